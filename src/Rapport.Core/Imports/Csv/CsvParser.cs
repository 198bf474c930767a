using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Rapport.Imports.Csv;

internal interface ICsvParser
{
    /// <summary>Cells a record must have (the header's); null while reading the header.</summary>
    int? FieldCount { get; set; }
    long Offset { get; }
    long NextLine { get; }
    CsvRecord? Read();
    void SkipTo(long offset, long line);
}

/// <summary>
/// The record scanner, generic over the code unit so that one implementation reads byte-oriented encodings (UTF-8,
/// single-byte code pages: the delimiter, quote and line breaks are always single ASCII bytes there) and UTF-16 (chars)
/// with exact byte offsets: offset = start of buffer + index × unit size. Records are found with vectorised
/// <c>IndexOfAny</c>; cells are decoded only once a whole record is in the buffer. Memory is one buffer that grows
/// to the longest record (bounded by <see cref="CsvReadOptions.MaxRecordLength"/>).
/// </summary>
internal sealed class CsvParser<T> : ICsvParser where T : unmanaged, IBinaryInteger<T>
{
    private const int InitialUnits = 64 * 1024;
    private const int LongLineEcho = 200;

    // UTF-16 units are in machine order once read; decoding them (rather than copying) turns lone surrogates into U+FFFD.
    private static readonly Encoding NativeUtf16 = new UnicodeEncoding(bigEndian: !BitConverter.IsLittleEndian, byteOrderMark: false);

    private static readonly T Quote = T.CreateTruncating('"');
    private static readonly T Cr = T.CreateTruncating('\r');
    private static readonly T Lf = T.CreateTruncating('\n');
    private static readonly T Space = T.CreateTruncating(' ');
    private static readonly T Tab = T.CreateTruncating('\t');

    private readonly Stream _source;
    private readonly Encoding _encoding;
    private readonly bool _checkUtf8;
    private readonly bool _swapBytes;
    private readonly int _unit;
    private readonly T _delimiter;
    private readonly bool _tabIsBlank;
    private readonly int _maxLines;
    private readonly int _maxLength;

    private T[] _buffer;
    private int _pos;
    private int _end;
    private bool _eof;
    private long _bufferOffset;
    private long _readOffset;
    private long _line;
    private int _pendingByte = -1;

    private int[] _starts = new int[32];
    private int[] _ends = new int[32];
    private bool[] _escaped = new bool[32];
    private int _cells;

    public CsvParser(Stream source, long offset, CsvEncoding encoding, char delimiter, CsvReadOptions options)
    {
        _source = source;
        _encoding = encoding.Encoding;
        _checkUtf8 = encoding.Name == CsvEncodings.Utf8;
        _unit = encoding.UnitSize;
        _swapBytes = _unit == 2 && (encoding.Name == CsvEncodings.Utf16Be) == BitConverter.IsLittleEndian;
        _delimiter = T.CreateTruncating(delimiter);
        _tabIsBlank = delimiter != '\t';
        _maxLines = Math.Max(1, options.MaxLinesPerRecord);
        _maxLength = Math.Max(1024, options.MaxRecordLength);
        _buffer = new T[Math.Min(InitialUnits, _maxLength)];
        _bufferOffset = offset;
        _readOffset = offset;
        _line = 1;
    }

    public int? FieldCount { get; set; }

    public long Offset => Math.Min(_bufferOffset + (long)_pos * _unit, _readOffset);

    public long NextLine => _line;

    public CsvRecord? Read()
    {
        while (true)
        {
            var status = TryParse(out var record);
            if (status == Status.Record)
            {
                return record;
            }

            if (status == Status.End)
            {
                return null;
            }

            if (!Fill())
            {
                return TooLong();
            }
        }
    }

    public void SkipTo(long offset, long line)
    {
        _line = line;
        var position = offset - _bufferOffset;
        if (position >= (long)_pos * _unit && position <= (long)_end * _unit && position % _unit == 0)
        {
            _pos = (int)(position / _unit);
            return;
        }

        var distance = offset - _readOffset;
        if (_source.CanSeek)
        {
            _source.Seek(distance, SeekOrigin.Current);
        }
        else if (distance < 0)
        {
            throw new InvalidOperationException("The stream cannot seek back to the resume offset.");
        }
        else
        {
            var scratch = new byte[64 * 1024];
            while (distance > 0)
            {
                var read = _source.Read(scratch, 0, (int)Math.Min(scratch.Length, distance));
                if (read == 0)
                {
                    break;
                }

                distance -= read;
            }
        }

        _readOffset = offset;
        _bufferOffset = offset;
        _pos = _end = 0;
        _eof = false;
        _pendingByte = -1;
    }

    private enum Status
    {
        Record,
        NeedMore,
        End,
    }

    private Status TryParse(out CsvRecord? record)
    {
        record = null;
        var buffer = _buffer;
        // Blank lines (empty or only spaces) are skipped but counted.
        while (true)
        {
            var p = _pos;
            if (p == _end)
            {
                return _eof ? Status.End : Status.NeedMore;
            }

            var q = p;
            while (q < _end && (buffer[q] == Space || (_tabIsBlank && buffer[q] == Tab)))
            {
                q++;
            }

            if (q == _end)
            {
                if (!_eof)
                {
                    return Status.NeedMore;
                }

                _pos = _end;
                _line++;
                continue;
            }

            if (buffer[q] == Cr || buffer[q] == Lf)
            {
                if (!LineBreak(q, out var terminator))
                {
                    return Status.NeedMore;
                }

                _pos = q + terminator;
                _line++;
                continue;
            }

            break;
        }

        return ParseRecord(out record);
    }

    private Status ParseRecord(out CsvRecord? record)
    {
        record = null;
        var buffer = _buffer;
        var start = _pos;
        var p = start;
        var breaks = 0;
        var spanningCell = -1;
        int recordEnd;
        int terminator;
        _cells = 0;
        while (true)
        {
            if (p == _end)
            {
                if (!_eof)
                {
                    return Status.NeedMore;
                }

                AddCell(p, p, false);
                recordEnd = p;
                terminator = 0;
                break;
            }

            if (buffer[p] == Quote)
            {
                var cell = _cells;
                var q = p + 1;
                var escaped = false;
                while (true)
                {
                    var k = buffer.AsSpan(q, _end - q).IndexOfAny(Quote, Cr, Lf);
                    if (k < 0)
                    {
                        return _eof
                            ? Malformed(start, $"cell {cell + 1} opens a quote that is not closed before the end of the file", out record)
                            : Status.NeedMore;
                    }

                    q += k;
                    if (buffer[q] == Quote)
                    {
                        if (q + 1 == _end && !_eof)
                        {
                            return Status.NeedMore;
                        }

                        if (q + 1 < _end && buffer[q + 1] == Quote)
                        {
                            escaped = true;
                            q += 2;
                            continue;
                        }

                        break;
                    }

                    if (!LineBreak(q, out var inner))
                    {
                        return Status.NeedMore;
                    }

                    q += inner;
                    breaks++;
                    if (spanningCell < 0)
                    {
                        spanningCell = cell;
                    }

                    if (breaks > _maxLines)
                    {
                        return Malformed(start, $"cell {cell + 1} opens a quote that is not closed within {_maxLines} lines", out record);
                    }
                }

                AddCell(p + 1, q, escaped);
                p = q + 1;
                if (p == _end)
                {
                    if (!_eof)
                    {
                        return Status.NeedMore;
                    }

                    recordEnd = p;
                    terminator = 0;
                    break;
                }

                if (buffer[p] == _delimiter)
                {
                    p++;
                    continue;
                }

                if (buffer[p] != Cr && buffer[p] != Lf)
                {
                    return Malformed(start, $"cell {cell + 1} has text after its closing quote", out record);
                }
            }
            else
            {
                var k = buffer.AsSpan(p, _end - p).IndexOfAny(_delimiter, Cr, Lf);
                if (k < 0)
                {
                    if (!_eof)
                    {
                        return Status.NeedMore;
                    }

                    AddCell(p, _end, false);
                    recordEnd = _end;
                    terminator = 0;
                    break;
                }

                AddCell(p, p + k, false);
                p += k;
                if (buffer[p] == _delimiter)
                {
                    p++;
                    continue;
                }
            }

            // A line break ends the record.
            recordEnd = p;
            if (!LineBreak(p, out terminator))
            {
                return Status.NeedMore;
            }

            break;
        }

        string? error = null;
        var count = _cells;
        if (FieldCount is int expected)
        {
            var used = count;
            while (used > expected && _ends[used - 1] == _starts[used - 1])
            {
                used--;
            }

            if (count < expected || used > expected)
            {
                var found = count < expected ? count : used;
                var shape = $"row has {found} {(found == 1 ? "cell" : "cells")}, the header has {expected}";
                if (breaks > 0)
                {
                    // A quote that spans lines and leaves a misshapen row is most likely a broken quote: keep the
                    // following lines out of it.
                    return Malformed(start, $"cell {spanningCell + 1} opens a quote that runs over {breaks + 1} lines and leaves a row that does not fit the header ({shape})", out record);
                }

                error = shape;
            }
            else
            {
                count = expected;
            }
        }

        // Cells are cut from the decoded raw text when units and chars line up (UTF-16, single-byte code pages, and
        // UTF-8 records that are pure ASCII, i.e. nearly all); otherwise each cell is decoded on its own.
        var raw = Decode(start, recordEnd);
        var aligned = true;
        if (_checkUtf8)
        {
            var bytes = MemoryMarshal.Cast<T, byte>(buffer.AsSpan(start, recordEnd - start));
            if (!Ascii.IsValid(bytes))
            {
                aligned = false;
                if (!Utf8.IsValid(bytes))
                {
                    error ??= "the row holds bytes that are not valid UTF-8 (give the file's encoding if it is not UTF-8)";
                }
            }
        }

        var cells = new string[count];
        for (var i = 0; i < count; i++)
        {
            cells[i] = i >= _cells || _starts[i] == _ends[i] ? ""
                : aligned ? Unescape(i, raw.Substring(_starts[i] - start, _ends[i] - _starts[i]))
                : Unescape(i, Decode(_starts[i], _ends[i]));
        }

        var line = _line;
        _pos = recordEnd + terminator;
        _line += breaks + 1;
        record = new CsvRecord(line, breaks + 1, raw, cells, Offset, error);
        return Status.Record;
    }

    /// <summary>The broken-quote rule: a malformed record is reported as its first physical line only; reading resumes on the next line.</summary>
    private Status Malformed(int start, string reason, out CsvRecord? record)
    {
        record = null;
        var k = _buffer.AsSpan(start, _end - start).IndexOfAny(Cr, Lf);
        int lineEnd;
        var terminator = 0;
        if (k < 0)
        {
            if (!_eof)
            {
                return Status.NeedMore;
            }

            lineEnd = _end;
        }
        else
        {
            lineEnd = start + k;
            if (!LineBreak(lineEnd, out terminator))
            {
                return Status.NeedMore;
            }
        }

        var line = _line;
        _pos = lineEnd + terminator;
        _line++;
        record = new CsvRecord(line, 1, Decode(start, lineEnd), [], Offset, reason);
        return Status.Record;
    }

    /// <summary>
    /// The length of the line break at <paramref name="at"/> (a CR or LF): 2 for CR LF, else 1. False when a CR is the
    /// last unit read and the next one may be its LF.
    /// </summary>
    private bool LineBreak(int at, out int length)
    {
        length = 1;
        if (_buffer[at] != Cr)
        {
            return true;
        }

        if (at + 1 == _end)
        {
            return _eof;
        }

        if (_buffer[at + 1] == Lf)
        {
            length = 2;
        }

        return true;
    }

    /// <summary>The record does not fit in the largest buffer allowed.</summary>
    private CsvRecord TooLong()
    {
        var start = _pos;
        var k = _buffer.AsSpan(start, _end - start).IndexOfAny(Cr, Lf);
        if (k >= 0)
        {
            // A quoted cell runs over line breaks past the limit: the broken-quote rule, on the first line.
            Malformed(start, $"a quote opened on this line is not closed within {_maxLength} characters", out var record);
            return record!;
        }

        // One physical line longer than the limit: report its start and skip to its end.
        var line = _line;
        var echo = string.Concat(Decode(start, start + Math.Min(LongLineEcho, _end - start)), "…");
        while (true)
        {
            _pos = _end;
            Fill();
            var at = _buffer.AsSpan(_pos, _end - _pos).IndexOfAny(Cr, Lf);
            if (at >= 0)
            {
                var p = _pos + at;
                if (!LineBreak(p, out var length))
                {
                    // A CR at the end of the buffer: read on to see whether an LF follows.
                    _pos = p;
                    Fill();
                    p = _pos;
                    LineBreak(p, out length);
                }

                _pos = p + length;
                break;
            }

            if (_eof && _end == _pos)
            {
                break;
            }
        }

        _line++;
        return new CsvRecord(line, 1, echo, [], Offset, $"the line is longer than {_maxLength} characters and is not read (only its start is kept here)");
    }

    /// <summary>Keeps the buffer from the current record on, then reads more. False when the record cannot grow.</summary>
    private bool Fill()
    {
        if (_pos > 0)
        {
            Array.Copy(_buffer, _pos, _buffer, 0, _end - _pos);
            _bufferOffset += (long)_pos * _unit;
            _end -= _pos;
            _pos = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxLength)
            {
                return false;
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _maxLength));
        }

        var read = ReadUnits(_buffer.AsSpan(_end));
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
        return true;
    }

    private int ReadUnits(Span<T> destination)
    {
        var bytes = MemoryMarshal.AsBytes(destination);
        if (_unit == 1)
        {
            var read = _source.Read(bytes);
            _readOffset += read;
            return read;
        }

        var n = 0;
        if (_pendingByte >= 0)
        {
            bytes[0] = (byte)_pendingByte;
            _pendingByte = -1;
            n = 1;
        }

        var ended = false;
        while (n < 2)
        {
            var read = _source.Read(bytes[n..]);
            if (read == 0)
            {
                ended = true;
                break;
            }

            _readOffset += read;
            n += read;
        }

        if (ended && n == 1)
        {
            // A lone byte at the end of a UTF-16 file.
            destination[0] = T.CreateTruncating(0xFFFD);
            return 1;
        }

        if ((n & 1) == 1)
        {
            _pendingByte = bytes[n - 1];
            n--;
        }

        var units = n / 2;
        if (_swapBytes)
        {
            var words = MemoryMarshal.Cast<T, ushort>(destination[..units]);
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        return units;
    }

    private void AddCell(int start, int end, bool escaped)
    {
        if (_cells == _starts.Length)
        {
            Array.Resize(ref _starts, _cells * 2);
            Array.Resize(ref _ends, _cells * 2);
            Array.Resize(ref _escaped, _cells * 2);
        }

        _starts[_cells] = start;
        _ends[_cells] = end;
        _escaped[_cells] = escaped;
        _cells++;
    }

    private string Unescape(int i, string text) =>
        _escaped[i] ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;

    private string Decode(int start, int end)
    {
        var units = _buffer.AsSpan(start, end - start);
        return typeof(T) == typeof(byte)
            ? _encoding.GetString(MemoryMarshal.Cast<T, byte>(units))
            : NativeUtf16.GetString(MemoryMarshal.AsBytes(units));
    }
}
