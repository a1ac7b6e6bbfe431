namespace Devp2p.Fuzz.Engine;

/// <summary>
/// Byte-level mutations in the style of libFuzzer's default mutators (bit flip, byte set, insert,
/// erase, duplicate a range, splice with another corpus entry, insert an interesting value),
/// plus RLP- and snappy-shaped magic bytes, since those are the prefixes the parsers branch on.
/// </summary>
internal sealed class Mutator(Random random, int maxLength)
{
    private static readonly byte[] s_interesting =
    [
        0x00, 0x01, 0x7F, 0x80, 0x81, 0xB7, 0xB8, 0xB9, 0xBF, 0xC0, 0xC1, 0xF7, 0xF8, 0xF9, 0xFF,
        0x04, 0xFE, 0xFC, 0xF0, 0x3C,
    ];

    /// <summary>Returns a mutated copy of <paramref name="input"/>, applying 1 to 4 mutations.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        int count = random.Next(1, 5);
        for (int i = 0; i < count; i++)
        {
            ApplyOne(data, corpus);
        }

        if (data.Count > maxLength)
        {
            data.RemoveRange(maxLength, data.Count - maxLength);
        }

        return data.ToArray();
    }

    private void ApplyOne(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        switch (random.Next(8))
        {
            case 0 when data.Count > 0:
                int bit = random.Next(data.Count * 8);
                data[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case 1 when data.Count > 0:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            case 2:
                data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                break;
            case 3 when data.Count > 0:
                int start = random.Next(data.Count);
                data.RemoveRange(start, random.Next(1, Math.Min(16, data.Count - start) + 1));
                break;
            case 4 when data.Count > 0:
                int from = random.Next(data.Count);
                int length = random.Next(1, Math.Min(64, data.Count - from) + 1);
                data.InsertRange(random.Next(data.Count + 1), data.GetRange(from, length));
                break;
            case 5 when corpus.Count > 0:
                byte[] other = corpus[random.Next(corpus.Count)];
                if (other.Length > 0)
                {
                    int otherStart = random.Next(other.Length);
                    int otherLength = random.Next(1, other.Length - otherStart + 1);
                    int at = random.Next(data.Count + 1);
                    data.RemoveRange(at, Math.Min(otherLength, data.Count - at));
                    data.InsertRange(at, other.AsSpan(otherStart, otherLength).ToArray());
                }

                break;
            case 6:
                byte magic = s_interesting[random.Next(s_interesting.Length)];
                if (data.Count > 0 && random.Next(2) == 0)
                {
                    data[random.Next(data.Count)] = magic;
                }
                else
                {
                    data.Insert(random.Next(data.Count + 1), magic);
                }

                break;
            default:
                if (data.Count > 1)
                {
                    // Truncate: the "input ends early" path of every length check.
                    int cut = random.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                }

                break;
        }
    }
}
