using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Privacy;

/// <summary>The real host with the daily retention job off: tests apply rules by hand with the test clock.</summary>
public sealed class PrivacyAppFactory : RapportAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Rapport:Retention:Background", "false");
    }
}

/// <summary>A customer whose every personal value and free text carries a unique marker, and the markers as stored.</summary>
public sealed record MarkedCustomer(long Id, IReadOnlyList<string> Markers, string Email, string Phone);

internal static class PrivacyKit
{
    /// <summary>
    /// A customer with markers in the name, email, phone, address, a tag, a custom field, an interaction's subject and
    /// notes, a task, a survey free-text answer, an interview transcript and excerpt, a value evidence quote, a stage
    /// change reason, a webhook delivery, an import reject and an idempotency record (the customer is created with a key);
    /// plus one purchase of 120.50 and a survey score, which must survive.
    /// </summary>
    public static async Task<MarkedCustomer> MarkedCustomerAsync(this RapportAppFactory app)
    {
        var tag = "zq" + Guid.NewGuid().ToString("N")[..10];
        string M(string what) => $"zq{what}{Guid.NewGuid():N}"[..24];
        var first = M("first");
        var last = M("last");
        var street = M("street");
        var email = $"{M("mail")}@example.com";
        var digits = (2_000_000_000L + (Guid.NewGuid().GetHashCode() & 0x3FFFFFFF)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var admin = app.ClientAs(Role.Admin);
        var fieldKey = "zqfield" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = fieldKey, label = "Private note", type = "text" })).StatusCode.Should().Be(HttpStatusCode.Created);
        var fieldValue = M("custom");

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/customers")
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["firstName"] = first,
                ["lastName"] = last,
                ["email"] = email,
                ["phone"] = "+1" + digits,
                ["street"] = street,
                ["city"] = "Lyon",
                ["country"] = "FR",
                ["tags"] = new[] { tag },
                ["customFields"] = new Dictionary<string, object> { [fieldKey] = fieldValue },
            }),
        };
        create.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var created = await admin.SendAsync(create);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();

        var subject = M("subject");
        var notes = M("notes");
        (await admin.PostAsJsonAsync("/api/v1/interactions", new { customerId = id, channel = "phone", direction = "inbound", type = "call", subject, notes = $"Said: {notes}" }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/v1/transactions", new { customerId = id, total = 120.50m, currency = "EUR" })).StatusCode.Should().Be(HttpStatusCode.Created);
        var taskNotes = M("task");
        (await admin.PostAsJsonAsync("/api/v1/tasks", new { customerId = id, title = $"Call {first}", notes = taskNotes })).StatusCode.Should().Be(HttpStatusCode.Created);

        // Consent recorded from the customer's own browser: the IP address, user agent and reference identify them.
        var agent = M("agent");
        var consentReference = M("consentref");
        var hex = Guid.NewGuid().ToString("N");
        var ip = $"2001:db8:{hex[..4]}:{hex[4..8]}:{hex[8..12]}::77";
        (await admin.PostAsJsonAsync($"/api/v1/customers/{id}/consent", new
        {
            events = new[] { new { channel = "email", purpose = "marketing", status = "granted", noticeVersion = "2026-01", source = "form", sourceReference = consentReference } },
            ipAddress = ip,
            userAgent = agent,
        })).StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Created);

        var answer = M("answer");
        var transcript = M("transcript");
        var excerpt = M("excerpt");
        var quote = M("quote");
        var reason = M("reason");
        await app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var c = db.Database.GetDbConnection();
            var tx = transaction.GetDbTransaction();
            var now = DbValues.Instant(db, app.Clock.GetUtcNow());
            var p = new { id, now, yes = true, no = false, answer, transcript, excerpt, quote, reason, email, first, last };
            var survey = await c.ExecuteScalarAsync<long>("""
                INSERT INTO surveys (title, intro, thank_you, status, closes_at, opened_at, closed_at, anonymous_enabled, anonymous_nonce, created_at, updated_at, version)
                VALUES ('Feedback', NULL, NULL, 'Open', NULL, @now, NULL, @no, NULL, @now, @now, 1) RETURNING id
                """, p, tx);
            var nps = await c.ExecuteScalarAsync<long>("""
                INSERT INTO survey_questions (survey_id, position, key, kind, prompt, help_text, required, options, value_id)
                VALUES (@survey, 1, 'nps', 'Nps', 'How likely…', NULL, @yes, NULL, NULL) RETURNING id
                """, new { survey, yes = true }, tx);
            var text = await c.ExecuteScalarAsync<long>("""
                INSERT INTO survey_questions (survey_id, position, key, kind, prompt, help_text, required, options, value_id)
                VALUES (@survey, 2, 'why', 'FreeText', 'Why?', NULL, @no, NULL, NULL) RETURNING id
                """, new { survey, no = false }, tx);
            var response = await c.ExecuteScalarAsync<long>("""
                INSERT INTO survey_responses (survey_id, customer_id, invitation_id, source, external_id, submitted_at, updated_at, version)
                VALUES (@survey, @id, NULL, 'Web', NULL, @now, @now, 1) RETURNING id
                """, new { survey, id, now }, tx);
            await c.ExecuteAsync("""
                INSERT INTO survey_answers (response_id, question_id, customer_id, number_value, choice_values, text_value) VALUES (@response, @nps, @id, 9, NULL, NULL);
                INSERT INTO survey_answers (response_id, question_id, customer_id, number_value, choice_values, text_value) VALUES (@response, @text, @id, NULL, NULL, @answer);
                """, new { response, nps, text, id, answer }, tx);
            var session = await c.ExecuteScalarAsync<long>("""
                INSERT INTO research_sessions (kind, title, held_at, interviewer_user_id, interviewer_name, transcript, summary, created_by_user_id, created_at, updated_at, version)
                VALUES ('Interview', 'Interview', @now, NULL, 'Ann', @transcript, NULL, NULL, @now, @now, 1) RETURNING id
                """, p, tx);
            await c.ExecuteAsync("""
                INSERT INTO research_session_participants (session_id, customer_id) VALUES (@session, @id);
                INSERT INTO research_excerpts (session_id, start, length, text, speaker_customer_id, note, created_by_user_id, created_at)
                VALUES (@session, 0, 10, @excerpt, @id, NULL, NULL, @now);
                """, new { session, id, excerpt, now }, tx);
            var value = await c.ExecuteScalarAsync<long?>("SELECT MIN(id) FROM taxonomy_values", transaction: tx)
                ?? await c.ExecuteScalarAsync<long>("""
                    INSERT INTO taxonomy_values (key, name, description, vocabulary, status, merged_into_id, created_at, updated_at, version)
                    VALUES ('quality', 'Quality', NULL, 'quality', 'Active', NULL, @now, @now, 1) RETURNING id
                    """, p, tx);
            await c.ExecuteAsync("""
                INSERT INTO value_evidence (customer_id, value_id, kind, source_type, source_id, observed_at, signal, sentiment, quote)
                VALUES (@id, @value, 'Mention', 'interaction', 1, @now, 1.0, NULL, @quote)
                """, new { id, value, now, quote }, tx);
            await c.ExecuteAsync("""
                INSERT INTO stage_changes (customer_id, from_stage, to_stage, changed_at, from_since, source, reason, user_id)
                VALUES (@id, 0, 1, @now, NULL, 'Override', @reason, NULL)
                """, p, tx);
            var subscription = await c.ExecuteScalarAsync<long>("""
                INSERT INTO webhook_subscriptions (url, description, event_types, secret, active, created_by_user_id, created_at, updated_at, version)
                VALUES ('https://example.com/hook', NULL, 'customer.created', 'secret', @no, NULL, @now, @now, 1) RETURNING id
                """, p, tx);
            await c.ExecuteAsync("""
                INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, status, attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at, created_at)
                VALUES (@subscription, 'evt_1', 'customer.created', @payload, 'Succeeded', 1, @now, NULL, 200, NULL, @now, @now)
                """, new { subscription, now, payload = $"{{\"id\":\"evt_1\",\"type\":\"customer.created\",\"data\":{{\"id\":{id},\"firstName\":\"{first}\",\"email\":\"{email}\"}}}}" }, tx);
            var import = await c.ExecuteScalarAsync<long>("""
                INSERT INTO imports (kind, format, status, file_name, stored_path, file_size, file_sha256, dry_run, options, rows_read, created, updated, merged, rejected,
                    committed_line, committed_offset, error, started_at, heartbeat_at, finished_at, created_by_user_id, created_at, updated_at)
                VALUES ('Customers', 'Csv', 'Completed', 'people.csv', '/nonexistent', 10, 'x', @no, '{}', 1, 0, 0, 0, 1, 1, 10, NULL, @now, NULL, @now, NULL, @now, @now) RETURNING id
                """, p, tx);
            await c.ExecuteAsync("""
                INSERT INTO import_rejects (import_id, line_number, reason, raw) VALUES (@import, 2, 'Bad birth date', @raw)
                """, new { import, raw = $"{first},{last},{email},not-a-date" }, tx);
            await transaction.CommitAsync();
            return 0;
        });

        var stored = await app.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Email, c.Phone }).SingleAsync());
        return new MarkedCustomer(id,
            [first, last, email, stored.Phone!, street, tag, fieldValue, subject, notes, taskNotes, answer, transcript, excerpt, quote, reason, agent, consentReference, ip],
            stored.Email!, stored.Phone!);
    }

    /// <summary>Every text column of every table in the model that contains <paramref name="marker"/>, as "table.column".</summary>
    public static async Task<List<string>> TablesContainingAsync(this RapportAppFactory app, string marker) =>
        await app.WithDbAsync(async db =>
        {
            var found = new List<string>();
            var c = db.Database.GetDbConnection();
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var table = entity.GetTableName();
                if (table is null || entity.IsOwned())
                {
                    continue;
                }

                foreach (var property in entity.GetProperties().Where(p => p.GetProviderClrType() == typeof(string) || p.ClrType == typeof(string)))
                {
                    var column = property.GetColumnName();
                    var sql = $"SELECT COUNT(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE @pattern";
                    if (await c.ExecuteScalarAsync<long>(sql, new { pattern = "%" + marker + "%" }) > 0)
                    {
                        found.Add($"{table}.{column}");
                    }
                }
            }

            return found;
        });

    public static async Task<decimal> ScalarAsync(this RapportAppFactory app, string sql) =>
        await app.WithDbAsync(async db => await db.Database.GetDbConnection().ExecuteScalarAsync<decimal>(sql));
}
