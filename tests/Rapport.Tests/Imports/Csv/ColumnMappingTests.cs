using Rapport.Imports;
using Rapport.Imports.Csv;

namespace Rapport.Tests.Imports.Csv;

/// <summary>Automatic mapping of real export headers, overrides, and the file-level mapping errors.</summary>
public sealed class ColumnMappingTests
{
    private static Dictionary<string, string?> FieldsOf(ColumnMapping mapping) =>
        mapping.Columns.ToDictionary(c => c.Header, c => c.Field?.Key);

    [Fact]
    public void Shopify_customer_export_maps_and_prefers_the_main_phone_over_the_address_phone()
    {
        string[] header =
        [
            "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing", "Default Address Company",
            "Default Address Address1", "Default Address Address2", "Default Address City", "Default Address Province Code",
            "Default Address Country Code", "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
            "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags",
        ];
        var mapping = ColumnMapping.Create(ImportKind.Customers, header);

        mapping.Problems.Should().BeEmpty();
        var fields = FieldsOf(mapping);
        fields["Customer ID"].Should().Be("external_id");
        fields["First Name"].Should().Be("first_name");
        fields["Last Name"].Should().Be("last_name");
        fields["Email"].Should().Be("email");
        fields["Default Address Company"].Should().Be("company");
        fields["Default Address Address1"].Should().Be("street");
        fields["Default Address City"].Should().Be("city");
        fields["Default Address Province Code"].Should().Be("region");
        fields["Default Address Country Code"].Should().Be("country");
        fields["Default Address Zip"].Should().Be("postal_code");
        fields["Phone"].Should().Be("phone");
        fields["Default Address Phone"].Should().BeNull();
        fields["Tags"].Should().Be("tags");
        mapping.Columns.Single(c => c.Header == "Default Address Phone").Note
            .Should().Be("also looks like phone, which \"Phone\" matches better");
        mapping.IgnoredHeaders.Should().Contain(["Accepts Email Marketing", "Total Spent", "Note", "Default Address Address2"]);
    }

    [Fact]
    public void HubSpot_contact_export_maps()
    {
        string[] header = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Street Address", "City", "State/Region", "Postal Code", "Country/Region", "Company Name", "Contact owner", "Create Date"];
        var mapping = ColumnMapping.Create(ImportKind.Customers, header);

        mapping.Problems.Should().BeEmpty();
        FieldsOf(mapping).Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["Record ID"] = "external_id", ["First Name"] = "first_name", ["Last Name"] = "last_name", ["Email"] = "email",
            ["Phone Number"] = "phone", ["Street Address"] = "street", ["City"] = "city", ["State/Region"] = "region",
            ["Postal Code"] = "postal_code", ["Country/Region"] = "country", ["Company Name"] = "company", ["Contact owner"] = null,
            ["Create Date"] = null,
        });
    }

    [Fact]
    public void Mailchimp_audience_export_maps_with_accents_case_and_punctuation_ignored()
    {
        string[] header = ["Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday", "TAGS", "MEMBER_RATING", "LEID", "Prénom"];
        var mapping = ColumnMapping.Create(ImportKind.Customers, header);

        var fields = FieldsOf(mapping);
        fields["Email Address"].Should().Be("email");
        fields["Address"].Should().Be("street");
        fields["Birthday"].Should().Be("birth_date");
        fields["TAGS"].Should().Be("tags");
        fields["MEMBER_RATING"].Should().BeNull();
        fields["First Name"].Should().Be("first_name");
        fields["Prénom"].Should().BeNull("\"First Name\" is a better match for first_name");
    }

    [Fact]
    public void Shopify_order_export_maps_to_transaction_lines()
    {
        string[] header =
        [
            "Name", "Email", "Financial Status", "Paid at", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Created at",
            "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku", "Billing Name", "Id",
        ];
        var mapping = ColumnMapping.Create(ImportKind.Transactions, header);

        mapping.Problems.Should().BeEmpty();
        var fields = FieldsOf(mapping);
        fields["Id"].Should().Be("external_id");
        fields["Email"].Should().Be("customer_email");
        fields["Billing Name"].Should().Be("customer_name");
        fields["Name"].Should().BeNull();
        fields["Created at"].Should().Be("occurred_at");
        fields["Paid at"].Should().BeNull();
        fields["Currency"].Should().Be("currency");
        fields["Total"].Should().Be("amount");
        fields["Lineitem quantity"].Should().Be("quantity");
        fields["Lineitem name"].Should().Be("description");
        fields["Lineitem price"].Should().Be("unit_price");
        fields["Lineitem sku"].Should().Be("sku");
    }

    [Fact]
    public void WooCommerce_order_export_maps()
    {
        string[] header = ["Order ID", "Order Number", "Order Date", "Order Status", "Billing Email", "Billing First Name", "Billing Last Name", "Order Currency", "Order Total", "SKU", "Item Qty", "Item Cost"];
        var mapping = ColumnMapping.Create(ImportKind.Transactions, header);

        mapping.Problems.Should().BeEmpty();
        var fields = FieldsOf(mapping);
        fields["Order ID"].Should().Be("external_id");
        fields["Order Number"].Should().BeNull();
        fields["Order Date"].Should().Be("occurred_at");
        fields["Billing Email"].Should().Be("customer_email");
        fields["Billing First Name"].Should().Be("customer_first_name");
        fields["Billing Last Name"].Should().Be("customer_last_name");
        fields["Order Currency"].Should().Be("currency");
        fields["Order Total"].Should().Be("amount");
        fields["SKU"].Should().Be("sku");
        fields["Item Qty"].Should().Be("quantity");
        fields["Item Cost"].Should().Be("unit_price");
    }

    [Fact]
    public void Excel_style_headers_map_for_every_kind()
    {
        ColumnMapping.Create(ImportKind.Customers, ["E-mail", "Given Name", "Surname", "Tel", "Zip", "Postcode Extra"]).Columns
            .Select(c => c.Field?.Key).Should().Equal("email", "first_name", "last_name", "phone", "postal_code", null);
        ColumnMapping.Create(ImportKind.Companies, ["Company", "Website", "Sector", "Country"]).Columns
            .Select(c => c.Field?.Key).Should().Equal("name", "website", "industry", "country");
        ColumnMapping.Create(ImportKind.Products, ["Variant SKU", "Title", "Type", "Variant Price", "Status"]).Columns
            .Select(c => c.Field?.Key).Should().Equal("sku", "name", "category", "price", "active");
        ColumnMapping.Create(ImportKind.Interactions, ["Customer Email", "Date", "Medium", "Activity Type", "Direction", "Title", "Body"]).Columns
            .Select(c => c.Field?.Key).Should().Equal("customer_email", "occurred_at", "channel", "type", "direction", "subject", "notes");
        ColumnMapping.Create(ImportKind.Transactions, ["Customer ID", "Date", "Quantity", "Amount", "Currency"]).Columns
            .Select(c => c.Field?.Key).Should().Equal("customer_external_id", "occurred_at", "quantity", "amount", "currency");
    }

    [Fact]
    public void Overrides_map_ignore_and_win_over_automatic_matches()
    {
        var overrides = new Dictionary<string, string> { ["Mail"] = "-", ["Work address"] = "email", ["notes"] = "" };
        var mapping = ColumnMapping.Create(ImportKind.Customers, ["Mail", "Work address", "Notes", "Email"], overrides);

        mapping.Problems.Should().BeEmpty();
        mapping.Columns.Select(c => (c.Field?.Key, c.Source)).Should().Equal(
            (null, ColumnSource.Ignored), ("email", ColumnSource.Override), (null, ColumnSource.Ignored), (null, ColumnSource.Unmapped));
        mapping.Columns[3].Note.Should().Be("looks like email, which the mapping gives to \"Work address\"");
        mapping.IndexOf("email").Should().Be(1);
        mapping.Cell(["a", "  ada@example.com ", "x", "b"], "email").Should().Be("ada@example.com");
        mapping.Cell(["a", "   ", "x", "b"], "email").Should().BeNull();
        mapping.Cell(["a"], "phone").Should().BeNull();
    }

    [Theory]
    [InlineData("'+49 170 1234567", "+49 170 1234567")]
    [InlineData("'-x", "-x")]
    [InlineData("'=SUM(A1)", "=SUM(A1)")]
    [InlineData("'@home", "@home")]
    [InlineData("'tis the season", "'tis the season")]
    [InlineData("'", "'")]
    public void A_quote_that_neutralised_a_formula_is_taken_off(string cell, string expected)
    {
        var mapping = ColumnMapping.Create(ImportKind.Customers, ["Email", "Phone"]);

        mapping.Cell(["ada@example.com", cell], "phone").Should().Be(expected);
    }

    [Fact]
    public void Two_columns_overridden_to_one_field_is_an_error()
    {
        var overrides = new Dictionary<string, string> { ["A"] = "email", ["B"] = "email" };
        var mapping = ColumnMapping.Create(ImportKind.Customers, ["A", "B"], overrides);

        mapping.IsValid.Should().BeFalse();
        mapping.Problems.Should().Equal("The columns \"A\" and \"B\" are both mapped to email; map only one of them.");
    }

    [Fact]
    public void Overrides_naming_unknown_columns_or_fields_are_errors()
    {
        var overrides = new Dictionary<string, string> { ["Nope"] = "email", ["Mail"] = "emial" };
        var mapping = ColumnMapping.Create(ImportKind.Companies, ["Mail", "Name"], overrides);

        mapping.Problems.Should().Equal(
            "The mapping names the column \"Nope\", which the file does not have.",
            "\"emial\" is not a field of companies (mapping of \"Mail\"); the fields are external_id, name, domain, industry, website, phone, city, country.");
    }

    [Fact]
    public void Missing_required_transaction_fields_are_named()
    {
        var mapping = ColumnMapping.Create(ImportKind.Transactions, ["Order ID", "Notes"]);

        mapping.Problems.Should().Equal(
            "Transactions need a column for customer_external_id or customer_email; none of the headers matches it (map one with \"Header=customer_external_id\").",
            "Transactions need a column for occurred_at; none of the headers matches it (map one with \"Header=occurred_at\").",
            "Transactions need a column for currency; none of the headers matches it (map one with \"Header=currency\").",
            "Transactions need a column for amount or unit_price; none of the headers matches it (map one with \"Header=amount\").");
    }

    [Theory]
    [InlineData(ImportKind.Customers, "email")]
    [InlineData(ImportKind.Customers, "external_id")]
    [InlineData(ImportKind.Companies, "domain")]
    [InlineData(ImportKind.Products, "sku")]
    [InlineData(ImportKind.Interactions, "customer_email,occurred_at")]
    [InlineData(ImportKind.Transactions, "customer_external_id,occurred_at,currency,unit_price")]
    public void The_minimal_header_of_each_kind_is_enough(ImportKind kind, string header)
    {
        ColumnMapping.Create(kind, header.Split(',')).Problems.Should().BeEmpty();
    }

    [Fact]
    public void Custom_fields_map_by_key_for_customers_only()
    {
        var mapping = ColumnMapping.Create(ImportKind.Customers, ["Email", "Shoe size", "loyalty_tier"], null, ["shoe_size", "loyalty_tier"]);

        mapping.Columns.Select(c => (c.Field?.Key, c.Field?.IsCustom)).Should().Equal(("email", false), ("shoe_size", true), ("loyalty_tier", true));
        ColumnMapping.Create(ImportKind.Customers, ["Email", "Size"], new Dictionary<string, string> { ["Size"] = "shoe_size" }, ["shoe_size"])
            .Columns[1].Field!.IsCustom.Should().BeTrue();
        ColumnMapping.Create(ImportKind.Companies, ["Name", "shoe_size"], null, ["shoe_size"]).Columns[1].Field.Should().BeNull();
    }

    [Fact]
    public void Every_canonical_key_maps_to_itself_and_aliases_are_unambiguous_within_a_kind()
    {
        foreach (var kind in Enum.GetValues<ImportKind>())
        {
            var fields = ImportFields.For(kind);
            var mapping = ColumnMapping.Create(kind, [.. fields.Select(f => f.Key)]);
            mapping.Columns.Select(c => c.Field?.Key).Should().Equal(fields.Select(f => f.Key), $"{kind}");
            mapping.Columns.Should().OnlyContain(c => c.Source == ColumnSource.Auto);
        }
    }

    [Theory]
    [InlineData("E-Mail Address", "emailaddress")]
    [InlineData("  first_name ", "firstname")]
    [InlineData("Prénom", "prenom")]
    [InlineData("Straße", "strasse")]
    [InlineData("Order #", "order")]
    public void Headers_are_normalised_before_matching(string header, string normalised)
    {
        ImportFields.Normalize(header).Should().Be(normalised);
    }
}
