using System.Text.Json;
using Devp2p.Crypto;
using Devp2p.Tests;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>Typed access to tests/vectors/rlpx-handshake.json (EIP-8 "RLPx Handshake" test vectors).</summary>
internal sealed class HandshakeVectors
{
    private static readonly Lazy<HandshakeVectors> s_instance = new(Load);

    private readonly Dictionary<string, JsonElement> _messages = [];
    private readonly Dictionary<string, JsonElement> _pairs = [];

    private HandshakeVectors()
    {
    }

    public static HandshakeVectors Instance => s_instance.Value;

    public static IEnumerable<object[]> MessageNames => new[] { "auth1", "auth2", "auth3", "ack1", "ack2", "ack3" }.Select(n => new object[] { n });

    public static IEnumerable<object[]> PairNumbers => [[1], [2], [3]];

    public byte[] InitiatorStatic { get; private set; } = [];

    public byte[] RecipientStatic { get; private set; } = [];

    public byte[] InitiatorEphemeral { get; private set; } = [];

    public byte[] RecipientEphemeral { get; private set; } = [];

    public byte[] InitiatorNonce { get; private set; } = [];

    public byte[] RecipientNonce { get; private set; } = [];

    public JsonElement OfficialSecrets { get; private set; }

    public JsonElement DecryptedPlaintexts { get; private set; }

    public JsonElement PublicKeys { get; private set; }

    public JsonElement Message(string name) => _messages[name];

    public byte[] Packet(string name) => TestVectors.Hex(_messages[name].GetProperty("packet").GetString()!);

    public JsonElement Pair(int number) => _pairs[$"auth{number}+ack{number}"];

    public byte[] Plaintext(string name) => TestVectors.Hex(DecryptedPlaintexts.GetProperty(name).GetString()!);

    public PrivateKey NewInitiatorStaticKey() => new(InitiatorStatic);

    public PrivateKey NewRecipientStaticKey() => new(RecipientStatic);

    public PrivateKey NewInitiatorEphemeralKey() => new(InitiatorEphemeral);

    public PrivateKey NewRecipientEphemeralKey() => new(RecipientEphemeral);

    public static byte[] Hex(JsonElement element, string property) => TestVectors.Hex(element.GetProperty(property).GetString()!);

    private static HandshakeVectors Load()
    {
        using JsonDocument document = TestVectors.Load("rlpx-handshake.json");
        JsonElement root = document.RootElement.Clone();
        JsonElement keys = root.GetProperty("keys");
        var vectors = new HandshakeVectors
        {
            InitiatorStatic = Hex(keys, "initiatorStaticPrivateKey"),
            RecipientStatic = Hex(keys, "recipientStaticPrivateKey"),
            InitiatorEphemeral = Hex(keys, "initiatorEphemeralPrivateKey"),
            RecipientEphemeral = Hex(keys, "recipientEphemeralPrivateKey"),
            InitiatorNonce = Hex(keys, "initiatorNonce"),
            RecipientNonce = Hex(keys, "recipientNonce"),
            OfficialSecrets = root.GetProperty("secrets"),
            DecryptedPlaintexts = root.GetProperty("derived").GetProperty("decryptedPlaintexts"),
            PublicKeys = root.GetProperty("publicKeys"),
        };

        foreach (JsonElement message in root.GetProperty("messages").EnumerateArray())
        {
            vectors._messages[message.GetProperty("name").GetString()!] = message;
        }

        foreach (JsonProperty pair in root.GetProperty("derived").GetProperty("pairs").EnumerateObject())
        {
            vectors._pairs[pair.Name] = pair.Value;
        }

        return vectors;
    }
}
