using FsCheck;
using FsCheck.Fluent;
using Rapport.Analytics;

namespace Rapport.Tests.Analytics;

/// <summary>Heavy users per category: the top share of buyers, ties never split, returns netted, any row order.</summary>
public sealed class HeavyUserTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void The_top_fifth_of_buyers_by_volume_are_heavy_users()
    {
        var rows = Enumerable.Range(1, 10).Select(i => new CategoryVolume(i, 0, 11 - i)).ToArray();

        var category = HeavyUsers.Find(rows, 1)[0];

        category.Buyers.Should().Be(10);
        category.TotalVolume.Should().Be(55m);
        category.Users.Should().Equal(new HeavyUser(1, 10m), new HeavyUser(2, 9m));
        category.HeavyVolume.Should().Be(19m);
        category.HeavyVolumeShare.Should().Be(19m / 55m);
        category.Threshold.Should().Be(9m);
    }

    [Fact]
    public void A_tie_crossing_the_boundary_stays_out_and_a_wider_share_takes_it_in_whole()
    {
        decimal[] volumes = [5, 1, 5, 1, 1, 5, 1, 1, 1, 1];
        var rows = volumes.Select((v, i) => new CategoryVolume(i + 1, 0, v)).ToArray();

        HeavyUsers.Find(rows, 1)[0].Users.Should().BeEmpty();
        HeavyUsers.Find(rows, 1)[0].Threshold.Should().BeNull();
        HeavyUsers.Find(rows, 1, topShare: 0.3m)[0].Users.Should().Equal(new HeavyUser(1, 5m), new HeavyUser(3, 5m), new HeavyUser(6, 5m));
        // Everyone bought the same: with any share below 1 nobody stands out.
        HeavyUsers.Find([.. Enumerable.Range(1, 9).Select(i => new CategoryVolume(i, 0, 2m))], 1, 0.9m)[0].Users.Should().BeEmpty();
        HeavyUsers.Find([.. Enumerable.Range(1, 9).Select(i => new CategoryVolume(i, 0, 2m))], 1, 1m)[0].Users.Should().HaveCount(9);
    }

    [Fact]
    public void Rows_of_a_customer_are_summed_and_net_returns_are_not_buyers()
    {
        CategoryVolume[] rows =
        [
            new(3, 0, 4m), new(1, 0, 5m), new(4, 0, -1m), new(2, 0, 2m), new(3, 0, -4m), new(5, 0, 1m), new(1, 0, 1m),
            new(1, 1, 3m),
        ];

        var result = HeavyUsers.Find(rows, 3, topShare: 0.34m);

        result.Select(c => c.Category).Should().Equal(0, 1, 2);
        result[0].Buyers.Should().Be(3);
        result[0].TotalVolume.Should().Be(9m);
        result[0].Users.Should().Equal(new HeavyUser(1, 6m));
        result[1].Buyers.Should().Be(1);
        // One buyer is the whole category, more than 34 % of it: a lone buyer is not a heavy user.
        result[1].Users.Should().BeEmpty();
        result[2].Buyers.Should().Be(0);
        result[2].Users.Should().BeEmpty();
        result[2].HeavyVolumeShare.Should().BeNull();
    }

    [Fact]
    public void Bad_categories_and_shares_are_caller_bugs()
    {
        FluentActions.Invoking(() => HeavyUsers.Find([new CategoryVolume(1, 2, 1m)], 2)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => HeavyUsers.Find([new CategoryVolume(1, -1, 1m)], 2)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => HeavyUsers.Find([], 1, 0m)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => HeavyUsers.Find([], 1, 1.01m)).Should().Throw<ArgumentOutOfRangeException>();
        HeavyUsers.Find([], 0).Should().BeEmpty();
    }

    [Fact]
    public void Row_order_never_changes_the_heavy_users_and_they_never_exceed_the_share()
    {
        var samples =
            from rows in Gen.ArrayOf(
                from customer in Gen.Choose(1, 15)
                from category in Gen.Choose(0, 2)
                from volume in Gen.Choose(-2, 6)
                select new CategoryVolume(customer, category, volume))
            from share in Gen.Elements(0.1m, 0.2m, 0.25m, 0.5m, 1m)
            from seed in Gen.Choose(0, int.MaxValue)
            select (Rows: rows, Share: share, Seed: seed);

        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            var shuffled = sample.Rows.ToArray();
            new Random(sample.Seed).Shuffle(shuffled);
            var sorted = sample.Rows.OrderBy(r => r.CustomerId).ToArray();

            var fromShuffled = HeavyUsers.Find(shuffled, 3, sample.Share);
            var fromSorted = HeavyUsers.Find(sorted, 3, sample.Share);
            for (var c = 0; c < 3; c++)
            {
                fromShuffled[c].Users.Should().Equal(fromSorted[c].Users);
                fromShuffled[c].Buyers.Should().Be(fromSorted[c].Buyers);
                fromShuffled[c].TotalVolume.Should().Be(fromSorted[c].TotalVolume);
                fromShuffled[c].Users.Count.Should().BeLessThanOrEqualTo((int)(sample.Share * fromShuffled[c].Buyers));

                var net = sample.Rows.Where(r => r.Category == c).GroupBy(r => r.CustomerId).Select(g => g.Sum(r => r.Volume)).Where(v => v > 0).ToArray();
                fromShuffled[c].Buyers.Should().Be(net.Length);
                foreach (var user in fromShuffled[c].Users)
                {
                    net.Count(v => v >= user.Volume).Should().BeLessThanOrEqualTo((int)(sample.Share * net.Length));
                }
            }

            return true;
        }).Check(Runs);
    }
}
