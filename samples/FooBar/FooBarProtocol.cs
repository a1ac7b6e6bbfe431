namespace Devp2p.Samples.FooBar;

/// <summary>
/// "MyProtocol" version 1 with one message code (0): on connect each side sends "foo"; a "foo" is
/// answered with "bar"; a "bar" completes the exchange.
/// </summary>
public static class FooBarProtocol
{
    /// <summary>The only message code.</summary>
    public const ulong MessageCode = 0;

    /// <summary>Creates the protocol; <paramref name="onBar"/> is called once per peer when its "bar" arrives.</summary>
    /// <param name="onBar">Called with the peer that answered.</param>
    /// <param name="log">Where to print what happens, or null.</param>
    /// <returns>The protocol, to put in the node's protocol list.</returns>
    public static Protocol Create(Action<Peer> onBar, TextWriter? log = null) => new()
    {
        Name = "MyProtocol",
        Version = 1,
        Length = 1,
        Run = async (peer, rw, ct) =>
        {
            await rw.SendAsync(MessageCode, new FooBarMessage("foo"), ct);
            log?.WriteLine($"{peer}: sent foo");
            while (true)
            {
                using Msg msg = await rw.ReadMsgAsync(ct);
                string text = msg.Decode<FooBarMessage>().Text;
                log?.WriteLine($"{peer}: received {text}");
                switch (text)
                {
                    case "foo":
                        await rw.SendAsync(MessageCode, new FooBarMessage("bar"), ct);
                        log?.WriteLine($"{peer}: sent bar");
                        break;
                    case "bar":
                        onBar(peer);
                        break;
                    default:
                        // An unknown word is a broken peer: end it with a subprotocol error.
                        throw new InvalidDataException($"unexpected message \"{text}\"");
                }
            }
        },
    };
}
