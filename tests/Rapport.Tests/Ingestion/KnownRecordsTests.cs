using Rapport.Ingestion;

namespace Rapport.Tests.Ingestion;

public sealed class KnownRecordsTests
{
    [Fact]
    public void What_a_transaction_learnt_is_kept_when_it_commits_and_dropped_when_it_rolls_back()
    {
        var known = new KnownRecords();
        known.CustomerExternalId("A", 1);
        known.CustomerEmail("a@example.com", 1);
        known.Product("SKU-1", (7, "Tea"));
        known.Product("SKU-2", null);
        known.TryCustomerByExternalId("A", out var pending).Should().BeTrue("the open transaction sees what it learnt");
        pending.Should().Be(1);
        known.Commit();

        known.CustomerExternalId("B", 2);
        known.CustomerEmail("b@example.com", 2);
        known.Rollback();

        known.TryCustomerByExternalId("A", out var a).Should().BeTrue();
        a.Should().Be(1);
        known.TryCustomerByEmail("a@example.com", out _).Should().BeTrue();
        known.TryCustomerByExternalId("B", out _).Should().BeFalse("customer 2 was created by the rolled-back transaction");
        known.TryCustomerByEmail("b@example.com", out _).Should().BeFalse();
        known.TryProduct("SKU-1", out var tea).Should().BeTrue();
        tea.Should().Be((7L, "Tea"));
        known.TryProduct("SKU-2", out var none).Should().BeTrue("a SKU without a product is remembered too");
        none.Should().BeNull();
        known.TryProduct("SKU-3", out _).Should().BeFalse();
    }

    [Fact]
    public void A_full_map_starts_again_instead_of_growing()
    {
        var known = new KnownRecords();
        for (var i = 0; i < KnownRecords.MaxEntries; i++)
        {
            known.CustomerExternalId($"C{i}", i);
        }

        known.Commit();
        known.TryCustomerByExternalId("C0", out _).Should().BeTrue();
        known.CustomerExternalId("one more", -1);
        known.TryCustomerByExternalId("C0", out _).Should().BeFalse("the committed entries were let go");
        known.TryCustomerByExternalId("one more", out var last).Should().BeTrue();
        last.Should().Be(-1);
    }
}
