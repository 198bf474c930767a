using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Values;

public static class ValueServices
{
    public static IServiceCollection AddValues(this IServiceCollection services)
    {
        services.AddScoped<GetValue>();
        services.AddScoped<ListValues>();
        services.AddScoped<Research.Themes.GetBusinessTaxonomy>();
        services.AddScoped<GetValueHistory>();
        services.AddScoped<CreateValue>();
        services.AddScoped<UpdateValue>();
        services.AddScoped<MergeValue>();
        services.AddScoped<ChangeValueStatus>();
        services.AddScoped<RateValueImportance>();
        services.AddScoped<GetProductValues>();
        services.AddScoped<GetProductValueMatrix>();
        services.AddScoped<SetProductValues>();
        services.AddScoped<ListPartners>();
        services.AddScoped<GetPartner>();
        services.AddScoped<CreatePartner>();
        services.AddScoped<UpdatePartner>();
        services.AddScoped<DeletePartner>();
        services.AddScoped<SetPartnerValues>();
        return services;
    }
}
