using Rapport.Access;
using Rapport.Analytics;
using Rapport.Audit;
using Rapport.Companies;
using Rapport.Consent;
using Rapport.Customers;
using Rapport.Customers.Changes;
using Rapport.Customers.Views;
using Rapport.Dashboard;
using Rapport.DataQuality;
using Rapport.Demo;
using Rapport.Duplicates;
using Rapport.Exports;
using Rapport.Identity;
using Rapport.Imports;
using Rapport.Ingestion;
using Rapport.Ingestion.Batch;
using Rapport.Interactions;
using Rapport.Metrics;
using Rapport.Plan;
using Rapport.Playbooks;
using Rapport.Privacy;
using Rapport.Products;
using Rapport.Research;
using Rapport.Segments;
using Rapport.Stages;
using Rapport.Surveys;
using Rapport.Tasks;
using Rapport.Transactions;
using Rapport.Values;
using Rapport.Values.Map;
using Rapport.Values.Profiles;
using Rapport.Webhooks;

namespace Rapport;

public static class Features
{
    /// <summary>Every feature's use cases, one <c>AddX()</c> per feature folder in Rapport.Core.</summary>
    public static IServiceCollection AddRapportFeatures(this IServiceCollection services)
    {
        services.AddIdentityFeature();
        services.AddAudit();
        services.AddAccess();
        services.AddDemo();
        services.AddCustomerChanges();
        services.AddCustomerMetrics();
        services.AddAnalytics();
        services.AddCustomers();
        services.AddDashboard();
        services.AddUserAdministration();
        services.AddInteractions();
        services.AddTransactions();
        services.AddProducts();
        services.AddCompanies();
        services.AddIngestion();
        services.AddBatchIngestion();
        services.AddWebhooks();
        services.AddDuplicates();
        services.AddDataQuality();
        services.AddImports();
        services.AddExports();
        services.AddValues();
        services.AddValueMap();
        services.AddValueProfiles();
        services.AddResearch();
        services.AddSurveys();
        services.AddSurveyResults();
        services.AddStages();
        services.AddSegments();
        services.AddPlaybooks();
        services.AddTasks();
        services.AddPlan();
        services.AddCustomerViews();
        services.AddConsent();
        services.AddPrivacyRequests();
        return services;
    }
}
