namespace Rapport.Webhooks;

/// <summary>
/// The event types a subscription can ask for, and what the ids passed to
/// <see cref="WebhookOutbox.EnqueueAsync(System.Data.Common.DbConnection, System.Data.Common.DbTransaction?, string, IReadOnlyCollection{long}, CancellationToken)"/> mean for each.
/// </summary>
public static class WebhookEvents
{
    /// <summary>Ids are customer ids; <c>data</c> is the customer as <c>GET /api/v1/customers/{id}</c> returns it.</summary>
    public const string CustomerCreated = "customer.created";

    /// <summary>Ids are customer ids; <c>data</c> is the customer after the change.</summary>
    public const string CustomerUpdated = "customer.updated";

    /// <summary>
    /// Ids are <c>customer_merges</c> ids (one per merge); <c>data</c> is
    /// <c>{survivingId, mergedId, mergeId, customer}</c> where <c>customer</c> is the surviving customer after the merge.
    /// </summary>
    public const string CustomerMerged = "customer.merged";

    /// <summary>Ids are transaction ids; <c>data</c> is the transaction with its lines.</summary>
    public const string TransactionCreated = "transaction.created";

    /// <summary>Ids are interaction ids; <c>data</c> is the interaction.</summary>
    public const string InteractionCreated = "interaction.created";

    /// <summary>Sent only by "send test" to one subscription; never subscribed to.</summary>
    public const string Ping = "ping";

    /// <summary>Every type a subscription may name, in display order.</summary>
    public static IReadOnlyList<string> All { get; } = [CustomerCreated, CustomerUpdated, CustomerMerged, TransactionCreated, InteractionCreated];

    public static bool IsKnown(string eventType) => All.Contains(eventType, StringComparer.Ordinal);
}
