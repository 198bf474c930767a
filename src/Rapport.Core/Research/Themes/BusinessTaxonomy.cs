using Rapport.Values;

namespace Rapport.Research.Themes;

/// <summary>
/// The business's own taxonomy as stored (its active values with their edited vocabularies), compiled for detection.
/// Retired and merged values detect nothing: a merged value's vocabulary already lives in the value it was merged into.
/// </summary>
public sealed class GetBusinessTaxonomy(ListValues values)
{
    public async Task<Taxonomy> HandleAsync(CancellationToken ct)
    {
        var active = await values.HandleAsync(new ListValuesQuery(ValueStatus.Active), ct);
        return Taxonomy.Create(active.Select(v => new ValueDefinition(v.Key, v.Name, v.Description ?? "", v.Vocabulary)));
    }
}
