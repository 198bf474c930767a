using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;
using Rapport.Segments;

namespace Rapport.Pages.Segments;

/// <summary>/segments: every segment with its size; admin and marketing (write-catalog, as the segment API) make new ones.</summary>
public sealed class IndexModel(ListSegments list, TimeProvider clock) : PageModel
{
    public IReadOnlyList<SegmentDetail> Segments { get; private set; } = [];
    public bool CanWrite => User.Can(Policies.SegmentsEdit);
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task OnGetAsync(CancellationToken ct) => Segments = await list.HandleAsync(ct);
}
