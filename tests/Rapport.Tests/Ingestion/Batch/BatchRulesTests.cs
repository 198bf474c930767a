using Rapport.Ingestion.Batch;

namespace Rapport.Tests.Ingestion.Batch;

public sealed class BatchRulesTests
{
    [Theory]
    [InlineData("postal_code: is too long", "postalCode: is too long")]
    [InlineData("lines[0].unit_price: is required; currency: must be a three-letter ISO 4217 currency code, e.g. USD",
        "lines[0].unitPrice: is required; currency: must be a three-letter ISO 4217 currency code, e.g. USD")]
    [InlineData("custom_fields.shoe_size: must be a number", "customFields.shoe_size: must be a number")]
    [InlineData("customer.first_name: is too long", "customer.firstName: is too long")]
    [InlineData("The order SO-1 belongs to another customer: not changed", "The order SO-1 belongs to another customer: not changed")]
    [InlineData("", "")]
    public void Writer_reasons_name_fields_as_the_api_does(string reason, string expected) =>
        BatchRules.ApiReason(reason).Should().Be(expected);

    [Fact]
    public void No_reason_stays_none() => BatchRules.ApiReason(null).Should().BeNull();
}
