using Microsoft.Extensions.Logging;

namespace Devp2p.Cli.FooBar;

/// <summary>
/// The go-ethereum p2p tutorial's protocol, as <c>devp2p node</c> runs it: "MyProtocol" version 1,
/// one message code. On connect each side sends "foo"; a "foo" is answered with "bar"; anything
/// else ends the peer with a subprotocol error. Interoperates with samples/FooBar.
/// </summary>
internal static class FooBarProtocol
{
    /// <summary>The capability name (the tutorial's).</summary>
    public const string Name = "MyProtocol";

    /// <summary>The only message code.</summary>
    public const ulong MessageCode = 0;

    /// <summary>Creates the protocol; exchanges are logged at Debug.</summary>
    /// <param name="log">Where the exchange is logged.</param>
    /// <returns>The protocol for the server's list.</returns>
    public static Protocol Create(ILogger log) => new()
    {
        Name = Name,
        Version = 1,
        Length = 1,
        Run = async (peer, rw, ct) =>
        {
            await rw.SendAsync(MessageCode, new FooBarMessage("foo"), ct).ConfigureAwait(false);
            while (true)
            {
                string text;
                using (Msg msg = await rw.ReadMsgAsync(ct).ConfigureAwait(false))
                {
                    text = msg.Decode<FooBarMessage>().Text;
                }

                log.LogDebug("{Peer}: received {Text}", peer, text);
                switch (text)
                {
                    case "foo":
                        await rw.SendAsync(MessageCode, new FooBarMessage("bar"), ct).ConfigureAwait(false);
                        break;
                    case "bar":
                        break;
                    default:
                        throw new InvalidDataException($"unexpected message \"{text}\"");
                }
            }
        },
    };
}
