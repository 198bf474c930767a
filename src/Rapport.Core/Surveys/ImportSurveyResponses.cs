using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Imports.Csv;

namespace Rapport.Surveys;

/// <summary>A row the import refused: its line in the file and why.</summary>
public sealed record SurveyImportReject(long Line, string Reason);

/// <summary>What an import did: rows created, rows updated (same <c>response_id</c> again), rows refused.</summary>
public sealed record SurveyImportResult(int Created, int Updated, IReadOnlyList<SurveyImportReject> Rejected, int RejectedTotal);

/// <summary>
/// Imports responses collected elsewhere from CSV. Header: one column per question, named by its key or its position
/// (<c>1</c>, <c>2</c>, … or <c>q1</c> when no question has that key); optional <c>email</c> or <c>customer_id</c>
/// to link a known customer; optional <c>response_id</c>, the response's id in the other system: importing it
/// again updates it (idempotent); optional <c>submitted_at</c> (ISO 8601, default now). Each good row is stored
/// through <see cref="SaveSurveyResponse"/> (evidence and mentions included); each bad row is reported with its line
/// and reason and the others still import. Draft and closed surveys both accept imports (answers given elsewhere).
/// </summary>
public sealed class ImportSurveyResponses(RapportDbContext db, SaveSurveyResponse save, TimeProvider clock, ILogger<ImportSurveyResponses> logger)
{
    public const long MaxBytes = 20L * 1024 * 1024;
    public const int MaxRows = 50_000;
    /// <summary>Rejects listed in the answer (all are counted).</summary>
    public const int MaxRejectsListed = 500;

    private static readonly string[] Reserved = ["email", "customer_id", "response_id", "submitted_at"];

    public async Task<Result<SurveyImportResult>> HandleAsync(long surveyId, Stream csv, CancellationToken ct)
    {
        if (!await db.Set<Survey>().AnyAsync(s => s.Id == surveyId, ct))
        {
            return SurveyRules.NotFound<SurveyImportResult>(surveyId);
        }

        var (_, _, questions) = await save.SurveyAsync(surveyId, ct);
        var reader = CsvReader.Open(csv);
        if (reader.HeaderProblem is { } problem || reader.Header is null)
        {
            return Result<SurveyImportResult>.Invalid("file", reader.HeaderProblem ?? "The file has no header.");
        }

        var header = reader.Header;
        var columns = new SurveyQuestion?[header.Names.Count];
        int email = -1, customer = -1, external = -1, submitted = -1;
        var headerErrors = new List<string>();
        for (var i = 0; i < header.Names.Count; i++)
        {
            var name = header.Names[i].Trim();
            var lower = name.ToLowerInvariant();
            switch (lower)
            {
                case "email": email = i; continue;
                case "customer_id": customer = i; continue;
                case "response_id": external = i; continue;
                case "submitted_at": submitted = i; continue;
            }

            var question = questions.FirstOrDefault(q => q.Key == lower)
                ?? (int.TryParse(lower.TrimStart('q'), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                    ? questions.FirstOrDefault(q => q.Position == position) : null);
            if (question is null)
            {
                headerErrors.Add($"{header.Describe(i)} is neither a question's key or position nor one of {string.Join(", ", Reserved)}.");
            }
            else if (columns.Contains(question))
            {
                headerErrors.Add($"{header.Describe(i)} names question '{question.Key}' a second time.");
            }
            else
            {
                columns[i] = question;
            }
        }

        if (headerErrors.Count > 0)
        {
            return Result<SurveyImportResult>.Invalid(new Dictionary<string, string[]> { ["file"] = [.. headerErrors] });
        }

        if (columns.All(c => c is null))
        {
            return Result<SurveyImportResult>.Invalid("file", "The header names no question.");
        }

        int created = 0, updated = 0, rejectedTotal = 0, rows = 0;
        var rejects = new List<SurveyImportReject>();
        void Reject(long line, string reason)
        {
            rejectedTotal++;
            if (rejects.Count < MaxRejectsListed)
            {
                rejects.Add(new SurveyImportReject(line, reason));
            }
        }

        foreach (var record in reader.ReadAll())
        {
            ct.ThrowIfCancellationRequested();
            if (++rows > MaxRows)
            {
                Reject(record.Line, $"Only the first {MaxRows} rows of a file are imported; split the file.");
                continue;
            }

            if (record.IsMalformed)
            {
                Reject(record.Line, record.Error!);
                continue;
            }

            var errors = new FieldErrors();
            var answers = new Dictionary<string, SurveyAnswerInput>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Length && i < record.Cells.Count; i++)
            {
                if (columns[i] is { } q && SurveyAnswerRules.FromCell(q, record.Cells[i], errors, q.Key) is { } answer)
                {
                    answers[q.Key] = answer;
                }
            }

            var customerId = await CustomerAsync(Cell(record, email), Cell(record, customer), errors, ct);
            var externalId = Cell(record, external);
            if (externalId is not null)
            {
                TextRules.SingleLine(errors, "response_id", externalId, SurveyLimits.ExternalId);
            }

            var at = clock.GetUtcNow();
            if (Cell(record, submitted) is { } when)
            {
                if (DateTimeOffset.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    at = parsed.ToUniversalTime();
                }
                else
                {
                    errors.Add("submitted_at", $"'{CsvText.Clip(when)}' is not a date and time (use ISO 8601, e.g. 2026-05-01T10:00:00Z).");
                }
            }

            if (errors.Any)
            {
                Reject(record.Line, Describe(errors));
                continue;
            }

            long? existing = externalId is null ? null : await db.Set<SurveyResponse>().AsNoTracking()
                .Where(r => r.SurveyId == surveyId && r.ExternalId == externalId).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
            var result = await save.HandleAsync(new ResponseToSave(surveyId, existing, customerId, null, SurveyResponseSource.Import, externalId, at, answers), ct);
            if (!result.IsOk)
            {
                Reject(record.Line, Describe(result.Errors));
                continue;
            }

            if (existing is null)
            {
                created++;
            }
            else
            {
                updated++;
            }
        }

        logger.LogInformation("Imported survey {SurveyId} responses: {Created} created, {Updated} updated, {Rejected} rejected", surveyId, created, updated, rejectedTotal);
        return Result<SurveyImportResult>.Ok(new SurveyImportResult(created, updated, rejects, rejectedTotal));
    }

    private static string? Cell(CsvRecord record, int index) =>
        index >= 0 && index < record.Cells.Count ? Validate.Clean(record.Cells[index]) : null;

    private async Task<long?> CustomerAsync(string? email, string? id, FieldErrors errors, CancellationToken ct)
    {
        if (id is not null)
        {
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var customerId) &&
                await db.Customers.AnyAsync(c => c.Id == customerId, ct))
            {
                return customerId;
            }

            errors.Add("customer_id", $"No customer with id '{CsvText.Clip(id)}'.");
            return null;
        }

        if (email is not null)
        {
            var normalized = Validate.NormalizeEmail(email);
            var found = await db.Customers.AsNoTracking().Where(c => c.EmailNormalized == normalized).OrderBy(c => c.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
            if (found is null)
            {
                errors.Add("email", $"No customer with the email '{CsvText.Clip(email)}'.");
            }

            return found;
        }

        return null;
    }

    private static string Describe(FieldErrors errors) => Describe(errors.ToDictionary());

    private static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join(" ", errors.Select(e => $"{(e.Key.Length == 0 ? "" : e.Key + ": ")}{string.Join(" ", e.Value)}"));
}
