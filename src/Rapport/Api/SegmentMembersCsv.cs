using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Data;
using Rapport.Segments;

namespace Rapport.Api;

/// <summary>A segment's members as CSV, streamed by customer id: the API's members.csv and the segment page's export.</summary>
public static class SegmentMembersCsv
{
    private const int Batch = 5_000;

    /// <param name="customers">The customers the caller may see (record ownership).</param>
    public static async Task WriteAsync(RapportDbContext db, IQueryable<Customers.Customer> customers, long segmentId, HttpResponse response, CancellationToken ct)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"segment-{segmentId}-members.csv\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false));
        await writer.WriteLineAsync("id,first_name,last_name,email,city,country");
        long after = 0;
        while (true)
        {
            var rows = await ListSegmentMembers.Rows(db, segmentId, after, Batch, customers).ToListAsync(ct);
            foreach (var r in rows)
            {
                await writer.WriteLineAsync(string.Join(',', r.Id.ToString(CultureInfo.InvariantCulture), Csv(r.FirstName), Csv(r.LastName), Csv(r.Email), Csv(r.City), Csv(r.Country)));
            }

            if (rows.Count < Batch)
            {
                break;
            }

            after = rows[^1].Id;
        }

        await writer.FlushAsync(ct);
    }

    /// <summary>A CSV cell: quoted when needed, and a leading = + - @ tab or CR neutralised so that a spreadsheet does not run it.</summary>
    public static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (Rapport.Imports.Csv.CsvWriter.LooksLikeFormula(value))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
