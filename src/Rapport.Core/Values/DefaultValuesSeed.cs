using System.Data.Common;
using Dapper;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>
/// Puts <see cref="DefaultValues"/> into a new database, in the transaction of migration 0006 (the one that creates the
/// tables), with a "created" history entry each. Done in code rather than as INSERTs in the two SQL scripts so that the
/// list has one source, which theme detection reads too: a database created after the vocabulary is improved starts
/// with the improved lists. Rows that exist (by key) are left alone.
/// </summary>
public static class DefaultValuesSeed
{
    public const int MigrationVersion = 6;

    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, RapportDatabase database, CancellationToken ct)
    {
        var now = DbValues.Instant(database, DateTimeOffset.UtcNow);
        foreach (var value in DefaultValues.All)
        {
            var args = new { value.Key, value.Name, value.Description, Vocabulary = ValueRules.JoinVocabulary(value.Vocabulary), Status = nameof(ValueStatus.Active), Now = now };
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "INSERT INTO taxonomy_values (\"key\", \"name\", \"description\", \"vocabulary\", \"status\", \"merged_into_id\", \"created_at\", \"updated_at\", \"version\") " +
                "SELECT @Key, @Name, @Description, @Vocabulary, @Status, NULL, @Now, @Now, 1 " +
                "WHERE NOT EXISTS (SELECT 1 FROM taxonomy_values WHERE \"key\" = @Key) RETURNING \"id\"",
                args, transaction, cancellationToken: ct));
            if (id is not { } valueId)
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO value_changes (\"value_id\", \"kind\", \"summary\", \"before\", \"after\", \"related_key\", \"changed_by_user_id\", \"changed_by\", \"created_at\") " +
                "VALUES (@ValueId, @Kind, @Summary, NULL, @Vocabulary, NULL, NULL, @ChangedBy, @Now)",
                new
                {
                    ValueId = valueId, Kind = nameof(ValueChangeKind.Created), Summary = $"Created '{value.Name}' from the default taxonomy.",
                    args.Vocabulary, ChangedBy = "Rapport (default taxonomy)", Now = now,
                },
                transaction, cancellationToken: ct));
        }
    }
}
