using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Stages;

namespace Rapport.Playbooks;

/// <summary>Every stage's playbook, in the order of the journey.</summary>
public sealed class ListPlaybooks(RapportDbContext db)
{
    public async Task<IReadOnlyList<PlaybookDetail>> HandleAsync(CancellationToken ct)
    {
        var rows = await (
                from p in db.Set<Playbook>().AsNoTracking()
                join u in db.Users.AsNoTracking() on p.UpdatedByUserId equals u.Id into users
                from u in users.DefaultIfEmpty()
                select new { Playbook = p, UpdatedBy = u == null ? null : u.DisplayName })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.Playbook.Stage).Select(r => PlaybookRules.ToDetail(r.Playbook, r.UpdatedBy)).ToList();
    }
}

/// <summary>One stage's playbook; NotFound only if the migration's default rows were deleted by hand.</summary>
public sealed class GetPlaybook(RapportDbContext db)
{
    public async Task<Result<PlaybookDetail>> HandleAsync(Stage stage, CancellationToken ct)
    {
        var row = await (
                from p in db.Set<Playbook>().AsNoTracking()
                where p.Stage == stage
                join u in db.Users.AsNoTracking() on p.UpdatedByUserId equals u.Id into users
                from u in users.DefaultIfEmpty()
                select new { Playbook = p, UpdatedBy = u == null ? null : u.DisplayName })
            .SingleOrDefaultAsync(ct);
        return row is null
            ? Result<PlaybookDetail>.NotFound($"There is no playbook for stage {stage.Key()}.")
            : Result<PlaybookDetail>.Ok(PlaybookRules.ToDetail(row.Playbook, row.UpdatedBy));
    }
}
