using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Access;

public static class AccessServices
{
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.AddSingleton<AccessPolicyCache>();
        services.AddScoped<AccessContext>();
        services.AddScoped<CustomerOwnership>();
        services.AddScoped<GetPermissionMatrix>();
        services.AddScoped<UpdatePermissionMatrix>();
        services.AddScoped<GetOwnership>();
        services.AddScoped<UpdateOwnership>();
        services.AddScoped<Teams>();
        return services;
    }
}
