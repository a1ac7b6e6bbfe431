using System.Buffers.Text;
using System.Text;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// Node's <c>Buffer.from(string, encoding)</c> for the encodings node-ipc accepts, used by raw-buffer
/// emits of a string. Like Node, hex stops at the first pair that is not hex, and base64 skips
/// characters outside its alphabet.
/// </summary>
internal static class NodeIpcRawEncoding
{
    public static byte[] GetBytes(string text, string encoding)
    {
        switch (encoding.ToLowerInvariant())
        {
            case "utf8":
            case "utf-8":
                return Encoding.UTF8.GetBytes(text);
            case "ascii":
            case "latin1":
            case "binary":
                // Node encodes each UTF-16 unit's low byte for all three.
                byte[] latin = new byte[text.Length];
                for (int i = 0; i < text.Length; i++)
                {
                    latin[i] = unchecked((byte)text[i]);
                }

                return latin;
            case "ucs2":
            case "ucs-2":
            case "utf16le":
            case "utf-16le":
                return Encoding.Unicode.GetBytes(text);
            case "hex":
                return FromHex(text);
            case "base64":
            case "base64url":
                return FromBase64(text);
            default:
                throw new ArgumentException($"The encoding '{encoding}' is not one node-ipc supports.", nameof(encoding));
        }
    }

    private static byte[] FromHex(string text)
    {
        var bytes = new List<byte>(text.Length / 2);
        for (int i = 0; i + 1 < text.Length; i += 2)
        {
            int high = HexValue(text[i]);
            int low = HexValue(text[i + 1]);
            if (high < 0 || low < 0)
            {
                break;
            }

            bytes.Add((byte)((high << 4) | low));
        }

        return [.. bytes];
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static byte[] FromBase64(string text)
    {
        // Node accepts both alphabets, ignores other characters and does not require padding.
        var clean = new StringBuilder(text.Length + 3);
        foreach (char c in text)
        {
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '+' or '/')
            {
                clean.Append(c);
            }
            else if (c == '-')
            {
                clean.Append('+');
            }
            else if (c == '_')
            {
                clean.Append('/');
            }
            else if (c == '=')
            {
                break;
            }
        }

        if (clean.Length % 4 == 1)
        {
            // A lone trailing character carries fewer than 8 bits: Node drops it.
            clean.Length--;
        }

        while (clean.Length % 4 != 0)
        {
            clean.Append('=');
        }

        return Convert.FromBase64String(clean.ToString());
    }
}
