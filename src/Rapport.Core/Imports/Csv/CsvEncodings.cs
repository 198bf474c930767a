using System.Buffers;
using System.Text;

namespace Rapport.Imports.Csv;

/// <summary>The text encoding a file is read with, and how it was chosen.</summary>
/// <param name="Name">The canonical name: <c>utf-8</c>, <c>utf-16le</c>, <c>utf-16be</c>, <c>windows-1252</c>, …</param>
/// <param name="BomLength">Bytes of byte-order mark at the start of the file (skipped).</param>
/// <param name="Detected">False when the caller named the encoding.</param>
public sealed record CsvEncoding(Encoding Encoding, string Name, int BomLength, bool Detected)
{
    /// <summary>Bytes per code unit the reader scans: 2 for UTF-16, 1 for UTF-8 and single-byte code pages.</summary>
    internal int UnitSize => Name is CsvEncodings.Utf16Le or CsvEncodings.Utf16Be ? 2 : 1;

    public override string ToString() => BomLength > 0 ? $"{Name} (with BOM)" : Name;
}

/// <summary>
/// Names and detection of the encodings a CSV file may use. Detection: a byte-order mark wins (UTF-8, UTF-16 LE/BE);
/// otherwise text with NUL bytes in every other position is UTF-16 without a mark; otherwise the bytes are checked as
/// UTF-8 and the file is read as Windows-1252 when they are not (a few invalid bytes among many valid multi-byte
/// UTF-8 sequences count as a damaged UTF-8 file: it stays UTF-8 and the rows holding them are rejected).
/// </summary>
public static class CsvEncodings
{
    public const string Utf8 = "utf-8";
    public const string Utf16Le = "utf-16le";
    public const string Utf16Be = "utf-16be";
    public const string Windows1252 = "windows-1252";

    static CsvEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The names accepted as an override, for help texts.</summary>
    public static IReadOnlyList<string> Accepted { get; } =
        [Utf8, Utf16Le, Utf16Be, Windows1252, "iso-8859-1", "iso-8859-15", "windows-1250", "windows-1251", "mac"];

    /// <summary>
    /// Resolves an encoding name (utf-8, utf8, utf-16, utf-16le, utf-16be, windows-1252, cp1252, latin1, iso-8859-15, …).
    /// Only encodings in which the ASCII delimiters, quotes and line breaks are single units are accepted (UTF-8, UTF-16
    /// and the single-byte code pages), so that byte offsets stay exact.
    /// </summary>
    public static bool TryResolve(string? name, out CsvEncoding encoding, out string? problem)
    {
        encoding = null!;
        problem = null;
        var key = (name ?? "").Trim().ToLowerInvariant().Replace('_', '-');
        switch (key)
        {
            case "utf-8" or "utf8" or "utf-8-bom" or "utf-8-sig":
                encoding = new CsvEncoding(new UTF8Encoding(false), Utf8, 0, false);
                return true;
            case "utf-16" or "utf16" or "utf-16le" or "utf16le" or "unicode" or "ucs-2":
                encoding = new CsvEncoding(new UnicodeEncoding(false, false), Utf16Le, 0, false);
                return true;
            case "utf-16be" or "utf16be" or "unicodefffe":
                encoding = new CsvEncoding(new UnicodeEncoding(true, false), Utf16Be, 0, false);
                return true;
            case "cp1252" or "1252" or "ansi":
                key = Windows1252;
                break;
            case "latin1" or "latin-1":
                key = "iso-8859-1";
                break;
            case "mac" or "macintosh" or "macroman":
                key = "macintosh";
                break;
        }

        Encoding resolved;
        try
        {
            resolved = Encoding.GetEncoding(key);
        }
        catch (ArgumentException)
        {
            problem = $"Unknown encoding \"{CsvText.Clip(name ?? "")}\"; use one of {string.Join(", ", Accepted)}.";
            return false;
        }

        if (resolved.CodePage is 65001)
        {
            return TryResolve(Utf8, out encoding, out problem);
        }

        if (resolved.CodePage is 1200 or 1201)
        {
            return TryResolve(resolved.CodePage == 1200 ? Utf16Le : Utf16Be, out encoding, out problem);
        }

        if (!resolved.IsSingleByte)
        {
            problem = $"The encoding \"{resolved.WebName}\" is not supported; use UTF-8, UTF-16 or a single-byte code page such as windows-1252.";
            return false;
        }

        encoding = new CsvEncoding(resolved, resolved.WebName, 0, false);
        return true;
    }

    internal static CsvEncoding Windows1252Encoding() => new(Encoding.GetEncoding(1252), Windows1252, 0, true);

    /// <summary>The byte-order mark at the start of <paramref name="start"/>, if any.</summary>
    internal static CsvEncoding? FromBom(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new CsvEncoding(new UTF8Encoding(false), Utf8, 3, true);
        }

        if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new CsvEncoding(new UnicodeEncoding(false, false), Utf16Le, 2, true);
        }

        if (start.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new CsvEncoding(new UnicodeEncoding(true, false), Utf16Be, 2, true);
        }

        return null;
    }

    /// <summary>UTF-16 without a byte-order mark: most ASCII characters leave a NUL in every other byte.</summary>
    internal static CsvEncoding? GuessUtf16(ReadOnlySpan<byte> sample)
    {
        var pairs = sample.Length / 2;
        if (pairs < 4)
        {
            return null;
        }

        int evenZeros = 0, oddZeros = 0;
        for (var i = 0; i + 1 < sample.Length; i += 2)
        {
            evenZeros += sample[i] == 0 ? 1 : 0;
            oddZeros += sample[i + 1] == 0 ? 1 : 0;
        }

        if (oddZeros * 10 >= pairs * 6 && evenZeros * 20 <= pairs)
        {
            return new CsvEncoding(new UnicodeEncoding(false, false), Utf16Le, 0, true);
        }

        if (evenZeros * 10 >= pairs * 6 && oddZeros * 20 <= pairs)
        {
            return new CsvEncoding(new UnicodeEncoding(true, false), Utf16Be, 0, true);
        }

        return null;
    }

    internal static CsvEncoding Utf8Detected() => new(new UTF8Encoding(false), Utf8, 0, true);
}

/// <summary>
/// Counts valid multi-byte UTF-8 sequences and invalid bytes over a stream of chunks, carrying an incomplete
/// sequence from one chunk to the next.
/// </summary>
internal sealed class Utf8Census
{
    private readonly byte[] _carry = new byte[4];
    private int _carried;

    public long Valid { get; private set; }
    public long Invalid { get; private set; }

    /// <summary>Invalid bytes are few next to valid sequences: a UTF-8 file with a few damaged bytes.</summary>
    public bool LooksUtf8 => Invalid == 0 || Valid >= Invalid * 4;

    public void Add(ReadOnlySpan<byte> chunk, bool final)
    {
        if (_carried > 0)
        {
            // Complete the carried sequence with up to 3 bytes of this chunk.
            var take = Math.Min(4 - _carried, chunk.Length);
            Span<byte> joined = stackalloc byte[4];
            _carry.AsSpan(0, _carried).CopyTo(joined);
            chunk[..take].CopyTo(joined[_carried..]);
            var status = System.Text.Rune.DecodeFromUtf8(joined[..(_carried + take)], out _, out var used);
            if (status == OperationStatus.NeedMoreData && !final && take == chunk.Length)
            {
                chunk[..take].CopyTo(_carry.AsSpan(_carried));
                _carried += take;
                return;
            }

            if (status == OperationStatus.Done)
            {
                Valid++;
            }
            else
            {
                Invalid++;
                used = Math.Max(used, 1);
            }

            var fromChunk = used - _carried;
            _carried = 0;
            chunk = fromChunk > 0 ? chunk[fromChunk..] : chunk;
        }

        while (true)
        {
            var next = chunk.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (next < 0)
            {
                return;
            }

            chunk = chunk[next..];
            var status = System.Text.Rune.DecodeFromUtf8(chunk, out _, out var used);
            if (status == OperationStatus.Done)
            {
                Valid++;
            }
            else if (status == OperationStatus.NeedMoreData && !final)
            {
                chunk.CopyTo(_carry);
                _carried = chunk.Length;
                return;
            }
            else
            {
                Invalid++;
                used = Math.Max(used, 1);
            }

            chunk = chunk[used..];
        }
    }
}
