using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Rapport.Common;

namespace Rapport.Data;

/// <summary>Sets created/updated stamps from the injected clock and bumps <see cref="IVersioned.Version"/> on every save.</summary>
public sealed class StampingInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Added)
            {
                if (entry.Entity is ICreated created && created.CreatedAt == default)
                {
                    created.CreatedAt = now;
                }

                if (entry.Entity is IStamped stamped)
                {
                    stamped.UpdatedAt = stamped.CreatedAt;
                }

                if (entry.Entity is IVersioned versioned)
                {
                    versioned.Version = 1;
                }
            }
            else if (entry.State == EntityState.Modified)
            {
                if (entry.Entity is IStamped stamped)
                {
                    stamped.UpdatedAt = now;
                }

                if (entry.Entity is IVersioned versioned)
                {
                    versioned.Version++;
                }
            }
        }
    }
}
