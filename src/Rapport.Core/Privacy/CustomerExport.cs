using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Common;
using Rapport.Data;
using Rapport.Imports.Csv;

namespace Rapport.Privacy;

/// <summary>
/// One part of a customer's export: a name (the CSV file's name and the JSON property), the tables it reads (so the
/// coverage test can prove that every customer-owned table is exported), and one query with a single parameter
/// <c>@id</c> (the customer id). Columns are exported as they are stored, so a new column is exported without a change here.
/// </summary>
public sealed record ExportSection(string Name, IReadOnlyList<string> Tables, string Sql);

/// <summary>One section's rows, as column → value (text, number, boolean or null).</summary>
public sealed record ExportedSection(string Name, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

public sealed record CustomerExportDocument(long CustomerId, DateTimeOffset ExportedAt, IReadOnlyList<ExportedSection> Sections);

public enum CustomerExportFormat
{
    Json,
    Zip,
}

/// <summary>
/// Everything Rapport holds about one customer (GDPR article 15 and 20), as one JSON document or a zip of CSVs (one per
/// section, formula-injection-safe). The section list is explicit; <c>CustomerExportCoverageTests</c> fails when a
/// customer-owned table is neither exported nor listed in <see cref="NotPersonal"/>.
/// </summary>
public sealed class CustomerExport(RapportDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlyList<ExportSection> Sections =
    [
        new("profile", ["customers", "companies"], """
            SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.street, c.city, c.postal_code, c.region, c.country,
                   c.birth_date, c.language, co.name AS company, c.owner_id, c.source, c.created_at, c.updated_at, c.erased_at
            FROM customers c LEFT JOIN companies co ON co.id = c.company_id WHERE c.id = @id
            """),
        new("tags", ["customer_tags"], "SELECT tag FROM customer_tags WHERE customer_id = @id ORDER BY tag"),
        new("custom_fields", ["customer_field_values", "custom_fields"], """
            SELECT f.key AS field, f.label, v.text_value, v.number_value, v.date_value, v.bool_value
            FROM customer_field_values v JOIN custom_fields f ON f.id = v.field_id WHERE v.customer_id = @id ORDER BY f.position, f.key
            """),
        new("external_ids", ["customer_external_ids"], "SELECT source, external_id, created_at FROM customer_external_ids WHERE customer_id = @id ORDER BY id"),
        new("timeline", ["interactions"], "SELECT * FROM interactions WHERE customer_id = @id ORDER BY occurred_at, id"),
        new("transactions", ["transactions"], "SELECT * FROM transactions WHERE customer_id = @id ORDER BY occurred_at, id"),
        new("transaction_lines", ["transaction_lines"], "SELECT * FROM transaction_lines WHERE customer_id = @id ORDER BY transaction_id, line_number"),
        new("metrics", ["customer_metrics"], "SELECT * FROM customer_metrics WHERE customer_id = @id"),
        new("purchase_summary", ["customer_purchase_facts"], "SELECT * FROM customer_purchase_facts WHERE customer_id = @id ORDER BY kind, key"),
        new("survey_invitations", ["survey_invitations", "surveys"], """
            SELECT i.id, s.title AS survey, i.created_at, i.expires_at, i.response_id
            FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE i.customer_id = @id ORDER BY i.id
            """),
        new("survey_responses", ["survey_responses", "surveys"], """
            SELECT r.id, s.title AS survey, r.source, r.external_id, r.submitted_at, r.updated_at
            FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE r.customer_id = @id ORDER BY r.submitted_at, r.id
            """),
        new("survey_answers", ["survey_answers", "survey_questions"], """
            SELECT a.response_id, q.key AS question, q.prompt, a.number_value, a.choice_values, a.text_value
            FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
            WHERE a.customer_id = @id OR a.response_id IN (SELECT r.id FROM survey_responses r WHERE r.customer_id = @id)
            ORDER BY a.response_id, q.position
            """),
        new("research_sessions", ["research_session_participants", "research_sessions"], """
            SELECT s.id, s.kind, s.title, s.held_at, s.interviewer_name, s.summary, s.transcript
            FROM research_session_participants p JOIN research_sessions s ON s.id = p.session_id WHERE p.customer_id = @id ORDER BY s.held_at, s.id
            """),
        new("research_excerpts", ["research_excerpts", "research_excerpt_codes"], """
            SELECT e.id, e.session_id, e.text, e.note, e.created_at
            FROM research_excerpts e WHERE e.speaker_customer_id = @id ORDER BY e.id
            """),
        new("value_profile", ["customer_value_profiles", "customer_value_scores", "taxonomy_values"], """
            SELECT v.key AS value, v.name, s.score, s.confidence, s.evidence_count, s.last_evidence_at, s.computed_at,
                   p.profiling_enabled, p.alignment
            FROM customer_value_scores s JOIN taxonomy_values v ON v.id = s.value_id
            LEFT JOIN customer_value_profiles p ON p.customer_id = s.customer_id
            WHERE s.customer_id = @id ORDER BY s.score DESC, v.key
            """),
        new("value_profile_settings", ["customer_value_profiles"], "SELECT * FROM customer_value_profiles WHERE customer_id = @id"),
        new("value_evidence", ["value_evidence"], """
            SELECT v.key AS value, e.kind, e.source_type, e.source_id, e.observed_at, e.signal, e.sentiment, e.quote
            FROM value_evidence e JOIN taxonomy_values v ON v.id = e.value_id WHERE e.customer_id = @id ORDER BY e.observed_at, e.id
            """),
        new("stage_history", ["stage_changes"], "SELECT from_stage, to_stage, changed_at, source, reason FROM stage_changes WHERE customer_id = @id ORDER BY changed_at, id"),
        new("stage_override", ["stage_overrides"], "SELECT stage, reason, expires_at, created_at FROM stage_overrides WHERE customer_id = @id"),
        new("segments", ["segment_members", "segments"], """
            SELECT s.name AS segment, m.added_at FROM segment_members m JOIN segments s ON s.id = m.segment_id WHERE m.customer_id = @id ORDER BY s.name
            """),
        new("segment_events", ["segment_events"], """
            SELECT s.name AS segment, e.kind, e.at FROM segment_events e JOIN segments s ON s.id = e.segment_id WHERE e.customer_id = @id ORDER BY e.at, e.id
            """),
        new("tasks", ["tasks"], "SELECT id, title, notes, due_on, status, origin, completed_at, created_at FROM tasks WHERE customer_id = @id ORDER BY due_on, id"),
        new("merges", ["customer_merges"], """
            SELECT id, surviving_customer_id, merged_customer_id, merged_snapshot, merged_at FROM customer_merges
            WHERE surviving_customer_id = @id OR merged_customer_id = @id ORDER BY merged_at, id
            """),
        new("privacy_requests", ["privacy_requests"], """
            SELECT id, kind, received_at, due_at, status, completed_at FROM privacy_requests WHERE customer_id = @id ORDER BY received_at, id
            """),
        new("consent", ["consent_state"], """
            SELECT channel, purpose, status, legal_basis, since FROM consent_state WHERE customer_id = @id ORDER BY channel, purpose
            """),
        new("consent_history", ["consent_events"], """
            SELECT id, channel, purpose, status, legal_basis, source, source_reference, notice_version, occurred_at, recorded_at,
                   ip_address, user_agent
            FROM consent_events WHERE customer_id = @id ORDER BY occurred_at, id
            """),
        new("preference_link", ["preference_links"], "SELECT created_at FROM preference_links WHERE customer_id = @id"),
        // Who at the business did what with their data, by kind of actor (staff names and IP addresses are the staff's
        // own personal data and stay out of the customer's copy; docs/privacy-requests.md).
        new("audit", ["audit_events"], """
            SELECT occurred_at, actor_kind, action, entity_type, entity_id, changes FROM audit_events WHERE customer_id = @id ORDER BY id
            """),
    ];

    /// <summary>
    /// Customer-owned tables that hold nothing personal worth exporting, each with its reason (the coverage test reads this).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NotPersonal = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["customer_changes"] = "a work queue of customer ids waiting for the change pipeline; no data about the person",
        ["duplicate_candidates"] = "a pairing of two customers for staff review; exporting it would disclose the other customer",
        ["suppression_matches"] = "which keyed hash of the suppression list matches the customer's address; the address itself is in the profile",
    };

    public async Task<Result<CustomerExportDocument>> HandleAsync(long customerId, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<CustomerExportDocument>.NotFound($"There is no customer {customerId}.");
        }

        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            // One snapshot for all sections.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var sections = new List<ExportedSection>();
            foreach (var section in Sections)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction.GetDbTransaction();
                command.CommandText = section.Sql;
                command.AddParameter("@id", customerId);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
                var rows = new List<object?[]>();
                while (await reader.ReadAsync(ct))
                {
                    var row = new object?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = Value(reader, i);
                    }

                    rows.Add(row);
                }

                sections.Add(new ExportedSection(section.Name, columns, rows));
            }

            await transaction.CommitAsync(ct);
            return Result<CustomerExportDocument>.Ok(new CustomerExportDocument(customerId, clock.GetUtcNow(), sections));
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static object? Value(DbDataReader reader, int i)
    {
        if (reader.IsDBNull(i))
        {
            return null;
        }

        return reader.GetValue(i) switch
        {
            DateTime d => DateTime.SpecifyKind(d, d.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : d.Kind).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            byte[] bytes => Convert.ToBase64String(bytes),
            var v => v,
        };
    }

    public static async Task WriteJsonAsync(CustomerExportDocument document, Stream stream, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            // A file for the person, not HTML: keep '+', quotes and accents readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        json.WriteStartObject();
        json.WriteNumber("customerId", document.CustomerId);
        json.WriteString("exportedAt", document.ExportedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        json.WriteStartObject("sections");
        foreach (var section in document.Sections)
        {
            json.WriteStartArray(section.Name);
            foreach (var row in section.Rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < row.Length; i++)
                {
                    json.WritePropertyName(section.Columns[i]);
                    WriteValue(json, row[i]);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case int n:
                json.WriteNumberValue(n);
                break;
            case short n:
                json.WriteNumberValue(n);
                break;
            case double d:
                json.WriteNumberValue(d);
                break;
            case float f:
                json.WriteNumberValue(f);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>A zip with one CSV per section (UTF-8, RFC 4180; a text cell that looks like a formula is prefixed with <c>'</c>).</summary>
    public static async Task WriteZipAsync(CustomerExportDocument document, Stream stream, CancellationToken ct)
    {
        // ZipArchive writes synchronously; build it in memory (an export is one person's data) and copy.
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var section in document.Sections)
            {
                var entry = zip.CreateEntry(section.Name + ".csv", CompressionLevel.Optimal);
                entry.LastWriteTime = document.ExportedAt;
                await using var entryStream = entry.Open();
                await using var writer = new StreamWriter(entryStream, new UTF8Encoding(false));
                var csv = new CsvWriter(writer);
                csv.WriteRow(section.Columns.Select(Cell));
                foreach (var row in section.Rows)
                {
                    csv.WriteRow(row.Select(v => v is string s ? Cell(s) : Text(v)));
                }
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(stream, ct);
    }

    private static string? Cell(string value) => CsvWriter.LooksLikeFormula(value) ? "'" + value : value;

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
