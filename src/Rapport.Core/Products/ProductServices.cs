using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Products;

public static class ProductServices
{
    public static IServiceCollection AddProducts(this IServiceCollection services)
    {
        services.AddScoped<CreateProduct>();
        services.AddScoped<UpdateProduct>();
        services.AddScoped<GetProduct>();
        services.AddScoped<SearchProducts>();
        services.AddScoped<ListCategories>();
        services.AddScoped<DeleteProduct>();
        return services;
    }
}
