using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Transactions;
using Rapport.Webhooks;

namespace Rapport.Interactions;

/// <summary>
/// A touchpoint to record. <c>Type</c> is required. For a note (<c>Type = note</c>) the direction is always
/// <c>internal</c> and the channel defaults to <c>other</c>; other types need a channel and a direction.
/// <c>OccurredAt</c> defaults to now and may be at most one day in the future. <c>Source</c> defaults to <c>api</c>;
/// the UI passes <c>ui</c> and the id of the signed-in user as <c>CreatedByUserId</c>.
/// </summary>
public sealed record LogInteractionRequest(
    long CustomerId,
    InteractionChannel? Channel,
    InteractionDirection? Direction,
    InteractionType? Type,
    string? Subject = null,
    string? Notes = null,
    DateTimeOffset? OccurredAt = null,
    string? Source = null,
    long? CreatedByUserId = null)
{
    public const int SubjectMaxLength = 200;
    public const int NotesMaxLength = 10_000;

    /// <summary>A staff note on a customer (what the UI's "add a note" records): type note, direction internal, now.</summary>
    public static LogInteractionRequest Note(long customerId, string notes, long? createdByUserId, string source = "ui", string? subject = null) =>
        new(customerId, InteractionChannel.Other, InteractionDirection.Internal, InteractionType.Note, subject, notes, null, source, createdByUserId);
}

/// <summary>
/// Records an interaction and refreshes the customer's metrics row (interaction count, last interaction) in the same
/// database transaction. An unknown customer is a field error on <c>customerId</c>.
/// </summary>
public sealed class LogInteraction(RapportDbContext db, Access.CustomerOwnership ownership, CustomerMetricsUpdater metrics, WebhookOutbox outbox, Research.Evidence.MentionIndexer mentions, TimeProvider clock, ILogger<LogInteraction> logger)
{
    public async Task<Result<InteractionDetail>> HandleAsync(LogInteractionRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var now = clock.GetUtcNow();

        var (channel, direction) = (request.Channel, request.Direction);
        if (request.Type is not { } type)
        {
            errors.Add("type", $"Is required: one of {Names<InteractionType>()}.");
            type = InteractionType.Other;
        }
        else if (!Enum.IsDefined(type))
        {
            errors.Add("type", $"Must be one of {Names<InteractionType>()}.");
        }

        if (type == InteractionType.Note)
        {
            channel ??= InteractionChannel.Other;
            direction ??= InteractionDirection.Internal;
            if (direction != InteractionDirection.Internal)
            {
                errors.Add("direction", "A note is a staff-only record: its direction must be internal.");
            }
        }

        if (channel is null)
        {
            errors.Add("channel", $"Is required: one of {Names<InteractionChannel>()}.");
        }
        else if (!Enum.IsDefined(channel.Value))
        {
            errors.Add("channel", $"Must be one of {Names<InteractionChannel>()}.");
        }

        if (direction is null)
        {
            errors.Add("direction", $"Is required: one of {Names<InteractionDirection>()}.");
        }
        else if (!Enum.IsDefined(direction.Value))
        {
            errors.Add("direction", $"Must be one of {Names<InteractionDirection>()}.");
        }

        var subject = Validate.Clean(request.Subject);
        TextRules.SingleLine(errors, "subject", subject, LogInteractionRequest.SubjectMaxLength);
        var notes = Validate.Clean(request.Notes);
        TextRules.MultiLine(errors, "notes", notes, LogInteractionRequest.NotesMaxLength);
        if (type == InteractionType.Note && notes is null)
        {
            errors.Add("notes", "Is required for a note.");
        }

        var occurredAt = TextRules.ToStoredPrecision(request.OccurredAt ?? now);
        TextRules.EventTime(errors, "occurredAt", occurredAt, now);
        var source = TextRules.Source(errors, request.Source, "api");

        if (errors.Any)
        {
            return errors.ToResult<InteractionDetail>();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await ownership.Visible(db.Customers).AnyAsync(c => c.Id == request.CustomerId, ct))
        {
            return Result<InteractionDetail>.Invalid("customerId", $"Customer {request.CustomerId} does not exist.");
        }

        if (request.CreatedByUserId is { } userId && !await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            return Result<InteractionDetail>.Invalid("createdByUserId", $"User {userId} does not exist.");
        }

        var interaction = new Interaction
        {
            CustomerId = request.CustomerId,
            Channel = channel!.Value,
            Direction = direction!.Value,
            Type = type,
            Subject = subject,
            Notes = notes,
            OccurredAt = occurredAt,
            Source = source,
            CreatedByUserId = request.CreatedByUserId,
        };
        db.Interactions.Add(interaction);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e))
        {
            // The customer or user was deleted between the check above and the insert (PostgreSQL, read committed).
            db.ChangeTracker.Clear();
            return Result<InteractionDetail>.Invalid("customerId", $"Customer {request.CustomerId} does not exist.");
        }

        await metrics.RefreshAsync(request.CustomerId, ct);
        if (notes is not null)
        {
            // The values the note mentions, as evidence (docs/research.md); bulk-written notes wait for the full re-index.
            await mentions.IndexNewAsync(InteractionTextSource.Text(interaction.Id, interaction.CustomerId, occurredAt, notes), ct);
        }

        if (outbox.Wants(WebhookEvents.InteractionCreated))
        {
            await outbox.EnqueueAsync(db, WebhookEvents.InteractionCreated, [interaction.Id], ct);
        }

        await transaction.CommitAsync(ct);
        logger.LogInformation("Logged interaction {InteractionId} ({Type}) for customer {CustomerId}", interaction.Id, type, request.CustomerId);

        return Result<InteractionDetail>.Ok(await db.Interactions.AsNoTracking()
            .Where(i => i.Id == interaction.Id)
            .Select(InteractionDetail.Projection(db))
            .SingleAsync(ct));
    }

    internal static string Names<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetNames<TEnum>().Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName));
}
