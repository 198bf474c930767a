using Microsoft.Extensions.Logging;
using Rapport.Common;

namespace Rapport.Ingestion.Batch;

/// <summary>
/// Deletes idempotency keys older than 24 hours: once shortly after start, then every hour (the cut-off uses the app
/// clock; a missed round does no harm, as claims skip expired keys anyway).
/// </summary>
public sealed class IdempotencyKeySweeper(IdempotencyKeys keys, ILogger<IdempotencyKeySweeper> logger) : HourlySweeper(logger)
{
    protected override string What => "expired idempotency keys";

    protected override Task<int> SweepAsync(CancellationToken ct) => keys.SweepAsync(ct);
}
