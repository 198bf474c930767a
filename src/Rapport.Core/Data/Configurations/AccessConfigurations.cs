using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Access;

namespace Rapport.Data.Configurations;

internal sealed class RolePermissionConfiguration : IEntityTypeConfiguration<RolePermission>
{
    public void Configure(EntityTypeBuilder<RolePermission> b)
    {
        b.ToTable("role_permissions");
        b.HasKey(x => new { x.Role, x.Module, x.Action });
        b.Property(x => x.Module).HasMaxLength(32);
        b.Property(x => x.Action).HasMaxLength(32);
    }
}

internal sealed class AccessSettingConfiguration : IEntityTypeConfiguration<AccessSetting>
{
    public void Configure(EntityTypeBuilder<AccessSetting> b)
    {
        b.ToTable("access_settings");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(100);
        b.Property(x => x.Value).HasMaxLength(1000);
    }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("teams");
        b.Property(x => x.Name).HasMaxLength(100);
        b.HasIndex(x => x.Name).IsUnique();
    }
}
