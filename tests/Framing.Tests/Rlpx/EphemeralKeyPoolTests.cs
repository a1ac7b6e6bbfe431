using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>The handshake's pool of ready ephemeral keys: refilled in the background, every key handed out once.</summary>
public sealed class EphemeralKeyPoolTests
{
    [Fact]
    public async Task Replenish_fills_the_pool_in_the_background()
    {
        EphemeralKeyPool.Replenish();

        // Other tests take keys concurrently; the pool still gets back to having some ready.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (EphemeralKeyPool.Count == 0)
        {
            await Task.Delay(5, timeout.Token);
        }

        Assert.InRange(EphemeralKeyPool.Count, 1, EphemeralKeyPool.Capacity);
    }

    [Fact]
    public void Every_key_is_handed_out_once_and_is_a_working_key()
    {
        var secrets = new HashSet<string>();
        var keys = new List<PrivateKey>();
        try
        {
            for (int i = 0; i < 4 * EphemeralKeyPool.Capacity; i++)
            {
                PrivateKey key = EphemeralKeyPool.Take();
                keys.Add(key);
                byte[] secret = new byte[32];
                key.WriteTo(secret);
                Assert.True(secrets.Add(Convert.ToHexString(secret)), "a key was handed out twice");
                if (i % 3 == 0)
                {
                    EphemeralKeyPool.Replenish();
                }
            }

            // A taken key signs and its public key recovers from the signature.
            byte[] hash = new byte[32];
            hash[0] = 1;
            byte[] signature = new byte[Secp256k1.SignatureLength];
            keys[^1].Sign(hash, signature);
            Assert.Equal(keys[^1].PublicKey, PublicKey.Recover(hash, signature));
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }
}
