using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Companies;

public static class CompanyServices
{
    public static IServiceCollection AddCompanies(this IServiceCollection services)
    {
        services.AddScoped<CreateCompany>();
        services.AddScoped<UpdateCompany>();
        services.AddScoped<GetCompany>();
        services.AddScoped<SearchCompanies>();
        services.AddScoped<ListCompanyCustomers>();
        services.AddScoped<DeleteCompany>();
        return services;
    }
}
