using System.Text;
using Rapport.Imports.Csv;

namespace Rapport.Tests.Imports.Csv;

/// <summary>Reads CSV text or bytes the way an import does and keeps everything it returned.</summary>
internal static class CsvTestFiles
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Utf8WithBom(string text) => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];

    public static (CsvReader Reader, List<CsvRecord> Records) Read(string text, CsvReadOptions? options = null) =>
        Read(Utf8(text), options);

    public static (CsvReader Reader, List<CsvRecord> Records) Read(byte[] bytes, CsvReadOptions? options = null, bool seekable = true)
    {
        Stream stream = seekable ? new MemoryStream(bytes, writable: false) : new ForwardOnlyStream(bytes);
        var reader = CsvReader.Open(stream, options);
        return (reader, reader.ReadAll().ToList());
    }

    /// <summary>An upload body: readable once, no seeking, short reads.</summary>
    public sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _at;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // At most 7 bytes per call, to cross every buffer and code-unit boundary.
            var n = Math.Min(Math.Min(count, 7), bytes.Length - _at);
            Array.Copy(bytes, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
