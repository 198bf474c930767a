using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Identity;

public static class IdentityServices
{
    public static IServiceCollection AddIdentityFeature(this IServiceCollection services)
    {
        services.AddSingleton<Passwords>();
        services.AddScoped<AddUser>();
        services.AddScoped<SignIn>();
        services.AddScoped<CreateApiKey>();
        services.AddScoped<RevokeApiKey>();
        services.AddScoped<ListApiKeys>();
        services.AddScoped<AuthenticateApiKey>();
        return services;
    }
}
