using Rapport.Customers.Changes;

namespace Rapport.Stages;

/// <summary>
/// Keeps every customer's stage current (docs/stages.md, "When stages are evaluated"): one customer at once after a
/// single-customer write, queued customers set-based, everyone after an analytics run (P(alive); the nightly run is also
/// the daily re-check of windows that time closes). Value profiles do not feed the rules.
/// </summary>
public sealed class StageChangeHandler(StageEngine engine) : ICustomerChangeHandler
{
    public int Order => 100;

    public Task CustomerChangedAsync(long customerId, CancellationToken ct) =>
        engine.EvaluateAsync(customerId, StageChangeSource.Rules, ct);

    public Task CustomersChangedAsync(IReadOnlyList<long> customerIds, CancellationToken ct) =>
        engine.EvaluateManyAsync(customerIds, StageChangeSource.Rules, ct);

    public Task AllChangedAsync(ChangedFacts facts, CancellationToken ct) =>
        (facts & ChangedFacts.Analytics) != 0 ? engine.EvaluateAllAsync(ct) : Task.CompletedTask;
}
