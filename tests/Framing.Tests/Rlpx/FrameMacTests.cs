using System.Security.Cryptography;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// <see cref="FrameMac"/> against the MAC rules of rlpx.md evaluated naively: the running Keccak's
/// digest as a one-shot hash of everything absorbed so far, and the AES step with the platform's AES.
/// Both peers of a connection share our code, so our own round trips cannot catch a MAC that
/// drifted from the spec in the same way on both sides; this can (for instance a reused digest).
/// </summary>
public sealed class FrameMacTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_sequence_of_frames_gets_the_macs_the_spec_defines(int seed)
    {
        var random = new Random(seed);
        byte[] macSecret = Bytes(random, 32);
        byte[] prefix = Bytes(random, random.Next(1, 400));
        var initial = default(Keccak256);
        initial.Update(prefix);
        using var mac = new FrameMac(macSecret, initial);
        var model = new NaiveMac(macSecret, prefix);

        for (int frame = 0; frame < 12; frame++)
        {
            byte[] header = Bytes(random, 16);
            byte[] body = Bytes(random, 16 * random.Next(1, 40));
            byte[] headerMac = new byte[16];
            byte[] bodyMac = new byte[16];
            mac.UpdateHeader(header, headerMac);
            mac.UpdateBody(body, bodyMac);

            Assert.Equal(Convert.ToHexString(model.Header(header)), Convert.ToHexString(headerMac));
            Assert.Equal(Convert.ToHexString(model.Body(body)), Convert.ToHexString(bodyMac));
        }
    }

    [Fact]
    public void Two_headers_in_a_row_still_digest_the_current_state()
    {
        // Not a sequence RLPx makes, but the kept digest must never outlive the state it came from.
        var random = new Random(7);
        byte[] macSecret = Bytes(random, 32);
        using var mac = new FrameMac(macSecret, default);
        var model = new NaiveMac(macSecret, []);
        byte[] out16 = new byte[16];
        foreach (byte[] header in new[] { Bytes(random, 16), Bytes(random, 16) })
        {
            mac.UpdateHeader(header, out16);
            Assert.Equal(model.Header(header), out16);
        }

        byte[] body = Bytes(random, 32);
        mac.UpdateBody(body, out16);
        Assert.Equal(model.Body(body), out16);
    }

    private static byte[] Bytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>rlpx.md's MAC, with keccak.digest(mac) = Keccak-256 of the whole transcript absorbed so far.</summary>
    private sealed class NaiveMac(byte[] macSecret, byte[] prefix)
    {
        private readonly List<byte> _absorbed = [.. prefix];

        public byte[] Header(byte[] headerCiphertext)
        {
            byte[] seed = Xor(Aes16(Digest16()), headerCiphertext);
            _absorbed.AddRange(seed);
            return Digest16();
        }

        public byte[] Body(byte[] frameCiphertext)
        {
            _absorbed.AddRange(frameCiphertext);
            byte[] digest = Digest16();
            byte[] seed = Xor(Aes16(digest), digest);
            _absorbed.AddRange(seed);
            return Digest16();
        }

        private byte[] Digest16()
        {
            byte[] hash = new byte[32];
            Keccak256.Hash(_absorbed.ToArray(), hash);
            return hash[..16];
        }

        private byte[] Aes16(byte[] block)
        {
            using var aes = Aes.Create();
            aes.Key = macSecret;
            return aes.EncryptEcb(block, PaddingMode.None);
        }

        private static byte[] Xor(byte[] a, byte[] b) => a.Zip(b, (x, y) => (byte)(x ^ y)).ToArray();
    }
}
