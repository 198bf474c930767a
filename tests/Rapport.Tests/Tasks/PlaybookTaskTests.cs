using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers.Changes;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Stages;
using Rapport.Tasks;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Tasks;

/// <summary>
/// The playbook's "get in touch" tasks: made for customers past their stage's maximum days without contact (default
/// playbooks: Prospecting 45 days, Connection 60), one open task at most per customer, for the customer's owner; and
/// completed by the next contact.
/// </summary>
public sealed class PlaybookTaskTests(TasksAppFactory app) : IClassFixture<TasksAppFactory>
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LongAgo = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Customers_get_a_task_once_more_whole_days_than_their_stage_allows_have_passed_since_their_last_contact()
    {
        app.Clock.Set(Now);
        var justOver = await app.CustomerAsync(LongAgo);
        await app.InteractionAsync(justOver, "outbound", Now.AddDays(-46));
        var justUnder = await app.CustomerAsync(LongAgo);
        await app.InteractionAsync(justUnder, "outbound", Now.AddDays(-46).AddMinutes(1));
        var notesOnly = await app.CustomerAsync(LongAgo);
        await app.InteractionAsync(notesOnly, "inbound", Now.AddDays(-50));
        await app.InteractionAsync(notesOnly, "internal", Now.AddDays(-1));
        var replied = await app.CustomerAsync(LongAgo);
        await app.InteractionAsync(replied, "outbound", Now.AddDays(-80));
        await app.InteractionAsync(replied, "inbound", Now.AddDays(-10));
        var neverAdded46 = await app.CustomerAsync(Now.AddDays(-46));
        var neverAdded45 = await app.CustomerAsync(Now.AddDays(-46).AddSeconds(1));
        var connectionFine = await app.CustomerAsync(LongAgo, Stage.Connection);
        await app.InteractionAsync(connectionFine, "outbound", Now.AddDays(-50));
        var connectionLate = await app.CustomerAsync(LongAgo, Stage.Connection);
        await app.InteractionAsync(connectionLate, "outbound", Now.AddDays(-61).AddHours(-3));

        await app.GenerateAsync();

        (await app.TasksOfAsync(justOver)).Should().ContainSingle().Which.Title.Should().Be("Get in touch: 46 days without contact (Prospecting)");
        (await app.TasksOfAsync(justUnder)).Should().BeEmpty("45 whole days is not more than 45");
        (await app.TasksOfAsync(notesOnly)).Should().ContainSingle("an internal note is not contact").Which.Title.Should().Contain("50 days");
        (await app.TasksOfAsync(replied)).Should().BeEmpty("a reply from the customer is contact too");
        (await app.TasksOfAsync(neverAdded46)).Should().ContainSingle().Which.LastContactAt.Should().BeNull();
        (await app.TasksOfAsync(neverAdded45)).Should().BeEmpty("a customer never contacted counts from when they were added");
        (await app.TasksOfAsync(connectionFine)).Should().BeEmpty("Connection allows 60 days");
        var late = (await app.TasksOfAsync(connectionLate)).Should().ContainSingle().Subject;
        late.Title.Should().Be("Get in touch: 61 days without contact (Connection)");
        late.Stage.Should().Be(Stage.Connection);
        late.Origin.Should().Be(TaskOrigin.Playbook);
        late.Status.Should().Be(FollowUpStatus.Open);
        late.DueOn.Should().Be(new DateOnly(2026, 6, 15));
        late.LastContactAt.Should().Be(Now.AddDays(-61).AddHours(-3));
    }

    [Fact]
    public async Task A_customer_never_gets_a_second_open_playbook_task()
    {
        app.Clock.Set(Now);
        var customer = await app.CustomerAsync(LongAgo);

        await app.GenerateAsync();
        app.Clock.Set(Now.AddHours(1));
        await app.GenerateAsync();
        app.Clock.Set(Now.AddDays(3));
        await app.GenerateAsync();

        (await app.TasksOfAsync(customer)).Should().ContainSingle();
        app.Clock.Set(Now);
    }

    [Fact]
    public async Task The_task_goes_to_the_customers_owner_and_a_customer_without_an_owner_gets_none()
    {
        app.Clock.Set(Now);
        var owner = await app.AddUserAsync(Role.Sales, "Olive Owner");
        var owned = await app.CustomerAsync(LongAgo, ownerId: owner.Id);
        var orphan = await app.CustomerAsync(LongAgo, unowned: true);

        await app.GenerateAsync();

        (await app.TasksOfAsync(owned)).Should().ContainSingle().Which.AssigneeUserId.Should().Be(owner.Id);
        (await app.TasksOfAsync(orphan)).Should().BeEmpty("nobody is there to get in touch: campaigns reach customers without an owner");
    }

    [Fact]
    public async Task Logging_a_contact_completes_the_open_playbook_task_but_a_note_or_an_older_contact_does_not()
    {
        app.Clock.Set(Now);
        var customer = await app.CustomerAsync(LongAgo);
        await app.InteractionAsync(customer, "outbound", Now.AddDays(-100));
        await app.GenerateAsync();
        var task = (await app.TasksOfAsync(customer)).Should().ContainSingle().Subject;

        await app.InteractionAsync(customer, "internal", Now.AddMinutes(-5));
        await app.InteractionAsync(customer, "outbound", Now.AddDays(-120));
        (await app.TasksOfAsync(customer)).Single().Status.Should().Be(FollowUpStatus.Open, "neither a note nor a contact older than the last one is news");

        app.Clock.Set(Now.AddHours(2));
        await app.InteractionAsync(customer, "inbound", Now.AddHours(1), "phone");

        var done = (await app.TasksOfAsync(customer)).Single();
        done.Id.Should().Be(task.Id);
        done.Status.Should().Be(FollowUpStatus.Done);
        done.DoneByContact.Should().BeTrue();
        done.CompletedAt.Should().Be(Now.AddHours(2));
        done.CompletedByUserId.Should().BeNull();
        done.Version.Should().Be(task.Version + 1);

        await app.GenerateAsync();
        (await app.TasksOfAsync(customer)).Should().ContainSingle("the customer was just contacted");
        app.Clock.Set(Now);
    }

    [Fact]
    public async Task Contacts_written_in_bulk_complete_tasks_when_the_change_queue_is_drained()
    {
        app.Clock.Set(Now);
        var first = await app.CustomerAsync(LongAgo);
        var second = await app.CustomerAsync(LongAgo);
        await app.GenerateAsync();

        await app.WithDbAsync(async db =>
        {
            db.Interactions.AddRange(
                new Interaction { CustomerId = first, Channel = InteractionChannel.Email, Direction = InteractionDirection.Outbound, Type = InteractionType.Email, OccurredAt = Now.AddHours(-1), Source = "import" },
                new Interaction { CustomerId = second, Channel = InteractionChannel.Other, Direction = InteractionDirection.Internal, Type = InteractionType.Note, Notes = "n", OccurredAt = Now.AddHours(-1), Source = "import" });
            await db.SaveChangesAsync();
            return 0;
        });
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<CustomerChanges>().QueueAsync([first, second], CancellationToken.None);
            return 0;
        });
        await app.Services.GetRequiredService<CustomerChangeWorker>().DrainAsync(CancellationToken.None);

        (await app.TasksOfAsync(first)).Single().Status.Should().Be(FollowUpStatus.Done);
        (await app.TasksOfAsync(second)).Single().Status.Should().Be(FollowUpStatus.Open);
    }

    [Fact]
    public async Task A_playbook_without_a_maximum_makes_no_tasks()
    {
        app.Clock.Set(Now);
        await app.WithDbAsync(db => db.Set<Rapport.Playbooks.Playbook>().Where(p => p.Stage == Stage.Purchase)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MaxDaysWithoutContact, (int?)null)));
        var customer = await app.CustomerAsync(LongAgo, Stage.Purchase);

        var result = await app.GenerateAsync();

        result.ByStage.Should().NotContainKey(Stage.Purchase);
        (await app.TasksOfAsync(customer)).Should().BeEmpty();
        await app.WithDbAsync(db => db.Set<Rapport.Playbooks.Playbook>().Where(p => p.Stage == Stage.Purchase)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MaxDaysWithoutContact, (int?)10)));
    }
}
