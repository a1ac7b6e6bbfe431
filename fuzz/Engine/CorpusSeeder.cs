using System.Security.Cryptography;
using System.Text.Json;
using Devp2p.Framing.Rlpx;
using Devp2p.Fuzz.Targets;

namespace Devp2p.Fuzz.Engine;

/// <summary>
/// Writes the seed corpora from the official vectors (tests/vectors): every RLP encoding, valid and
/// invalid; every snappy case and the golden file; the decrypted auth/ack bodies; and genuine
/// sealed frames. Regenerate with <c>Devp2p.Fuzz seed tests/vectors fuzz/corpora</c>.
/// </summary>
internal static class CorpusSeeder
{
    public static void Seed(string vectors, string corpusRoot)
    {
        SeedRlp(vectors, Folder(corpusRoot, "rlp"));
        SeedSnappy(vectors, Folder(corpusRoot, "snappy-decompress"), Folder(corpusRoot, "snappy-roundtrip"));
        SeedHandshake(vectors, Folder(corpusRoot, "rlpx-auth-body"), Folder(corpusRoot, "rlpx-ack-body"));
        SeedFrames(Folder(corpusRoot, "rlpx-frame-open"), Folder(corpusRoot, "rlpx-frame-roundtrip"));
    }

    private static string Folder(string root, string name)
    {
        string path = Path.Combine(root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    private static void Write(string folder, byte[] data) =>
        File.WriteAllBytes(Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(data))[..16]), data);

    private static JsonDocument Load(string vectors, string file) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(vectors, file)));

    private static void SeedRlp(string vectors, string folder)
    {
        using JsonDocument valid = Load(vectors, "rlp-valid.json");
        foreach (JsonProperty test in valid.RootElement.GetProperty("tests").EnumerateObject())
        {
            Write(folder, Convert.FromHexString(test.Value.GetProperty("out").GetString()!));
        }

        foreach (JsonProperty test in valid.RootElement.GetProperty("decodeOnly").GetProperty("tests").EnumerateObject())
        {
            Write(folder, Convert.FromHexString(test.Value.GetProperty("out").GetString()!));
        }

        using JsonDocument invalid = Load(vectors, "rlp-invalid.json");
        foreach (JsonProperty test in invalid.RootElement.GetProperty("tests").EnumerateObject())
        {
            Write(folder, Convert.FromHexString(test.Value.GetProperty("out").GetString()!));
        }
    }

    private static void SeedSnappy(string vectors, string decompress, string roundTrip)
    {
        using JsonDocument snappy = Load(vectors, "snappy.json");
        foreach (JsonElement test in snappy.RootElement.GetProperty("decode").EnumerateArray())
        {
            Write(decompress, Convert.FromHexString(test.GetProperty("compressed").GetString()!));
        }

        JsonElement golden = snappy.RootElement.GetProperty("golden");
        byte[] compressed = Convert.FromHexString(golden.GetProperty("compressed").GetString()!);
        Write(decompress, compressed);
        byte[] text = Convert.FromHexString(golden.GetProperty("uncompressed").GetString()!);
        Write(roundTrip, text[..4096]);
        Write(roundTrip, text);
        Write(roundTrip, RandomNumberGenerator.GetBytes(3000));
        Write(roundTrip, new byte[70_000]);
    }

    private static void SeedHandshake(string vectors, string auth, string ack)
    {
        using JsonDocument handshake = Load(vectors, "rlpx-handshake.json");
        foreach (JsonProperty plaintext in handshake.RootElement.GetProperty("derived").GetProperty("decryptedPlaintexts").EnumerateObject())
        {
            byte[] body = Convert.FromHexString(plaintext.Value.GetString()!);
            Write(plaintext.Name.StartsWith("auth", StringComparison.Ordinal) ? auth : ack, body);
        }
    }

    private static void SeedFrames(string open, string roundTrip)
    {
        foreach (int size in new[] { 0, 1, 15, 16, 17, 100, 1024, 5000 })
        {
            byte[] payload = RandomNumberGenerator.GetBytes(size);
            (RlpxFrameCodec sender, RlpxFrameCodec receiver) = FrameCodecPair.Create();
            using (sender)
            using (receiver)
            {
                byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(RlpxFrameCodec.GetFrameDataLength(0x10, size))];
                sender.Seal(0x10, payload, frame);
                Write(open, frame);
            }

            Write(roundTrip, [(byte)size, .. payload]);
        }
    }
}
