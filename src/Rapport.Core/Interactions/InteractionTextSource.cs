using Microsoft.EntityFrameworkCore;
using Rapport.Data;
using Rapport.Research.Evidence;

namespace Rapport.Interactions;

/// <summary>
/// Interaction notes as research text (theme detection, emergent themes): the notes of every interaction that has
/// some, the customer's, observed when the interaction happened. <see cref="LogInteraction"/> indexes one note as it is
/// logged; notes written in bulk (imports, the batch API) are covered by the full re-index, which reads them here in pages.
/// </summary>
public sealed class InteractionTextSource(RapportDbContext db) : IResearchTextSource
{
    private const int PageSize = 1_000;

    public string SourceType => EvidenceSources.Interaction;

    public static ResearchText Text(long id, long customerId, DateTimeOffset occurredAt, string notes) =>
        new(EvidenceSources.Interaction, id, customerId, occurredAt, notes);

    public async IAsyncEnumerable<ResearchText> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var page = await db.Interactions.AsNoTracking()
                .Where(i => i.Id > after && i.Notes != null)
                .OrderBy(i => i.Id)
                .Take(PageSize)
                .Select(i => new { i.Id, i.CustomerId, i.OccurredAt, i.Notes })
                .ToListAsync(ct);
            foreach (var i in page)
            {
                if (!string.IsNullOrWhiteSpace(i.Notes))
                {
                    yield return Text(i.Id, i.CustomerId, i.OccurredAt, i.Notes);
                }
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }
}
