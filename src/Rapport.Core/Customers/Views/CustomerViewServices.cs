using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Customers.Views;

public static class CustomerViewServices
{
    public static IServiceCollection AddCustomerViews(this IServiceCollection services) => services.AddScoped<CustomerViews>();
}
