using Microsoft.EntityFrameworkCore;
using Rapport.Data;
using Rapport.Research.Evidence;

namespace Rapport.Research.Sessions;

/// <summary>
/// The value evidence a session gives (docs/research.md, "Evidence from sessions"):
/// <list type="bullet">
/// <item>each excerpt coded with values is <see cref="EvidenceKind.Coded"/> evidence (source <see cref="EvidenceSources.Excerpt"/>)
/// for its speaker, or for every participant when it has no speaker (anonymous when the session has no participant);
/// signal +1 for cares, −1 for indifferent or against; observed when the session was held;</item>
/// <item>the transcript's detected mentions (source <see cref="EvidenceSources.SessionTranscript"/>) belong to the
/// participant when there is exactly one, else to nobody (a focus group's transcript mixes voices: its mentions count in
/// the map overall, in no single profile).</item>
/// </list>
/// Everything is replaced per source, so calling it again after any change is always right.
/// </summary>
public sealed class SessionEvidence(RapportDbContext db, MentionIndexer mentions)
{
    /// <summary>Recomputes every piece of evidence of one session (after participants or the transcript changed).</summary>
    public async Task RefreshAsync(long sessionId, CancellationToken ct)
    {
        var session = await db.Set<ResearchSession>().AsNoTracking()
            .Where(s => s.Id == sessionId).Select(s => new { s.Id, s.HeldAt, s.Transcript }).SingleOrDefaultAsync(ct);
        if (session is null)
        {
            return;
        }

        var participants = await ParticipantsAsync(sessionId, ct);
        var excerpts = await db.Set<ResearchExcerpt>().AsNoTracking().Where(e => e.SessionId == sessionId).ToListAsync(ct);
        var ids = excerpts.Select(e => e.Id).ToList();
        var codes = (await db.Set<ResearchExcerptCode>().AsNoTracking().Where(c => ids.Contains(c.ExcerptId)).ToListAsync(ct))
            .ToLookup(c => c.ExcerptId);
        foreach (var excerpt in excerpts)
        {
            await ValueEvidenceStore.ReplaceAsync(db, EvidenceSources.Excerpt, excerpt.Id, EvidenceKind.Coded,
                Coded(excerpt, codes[excerpt.Id], participants, session.HeldAt), ct);
        }

        await IndexTranscriptAsync(session.Id, session.HeldAt, session.Transcript, participants, ct);
    }

    /// <summary>Rewrites the coded evidence of one excerpt.</summary>
    public async Task RefreshExcerptAsync(ResearchExcerpt excerpt, IEnumerable<ResearchExcerptCode> codes, DateTimeOffset heldAt, CancellationToken ct)
    {
        var participants = await ParticipantsAsync(excerpt.SessionId, ct);
        await ValueEvidenceStore.ReplaceAsync(db, EvidenceSources.Excerpt, excerpt.Id, EvidenceKind.Coded, Coded(excerpt, codes, participants, heldAt), ct);
    }

    /// <summary>Removes the evidence of a session about to be deleted (its excerpts' and its transcript's).</summary>
    public async Task RemoveAsync(long sessionId, CancellationToken ct)
    {
        var ids = await db.Set<ResearchExcerpt>().Where(e => e.SessionId == sessionId).Select(e => e.Id).ToListAsync(ct);
        await db.Set<ValueEvidence>().Where(e => e.SourceType == EvidenceSources.Excerpt && ids.Contains(e.SourceId)).ExecuteDeleteAsync(ct);
        await ValueEvidenceStore.RemoveAsync(db, EvidenceSources.SessionTranscript, sessionId, ct);
    }

    /// <summary>Whose words a transcript is: the one participant, or nobody when there are none or several.</summary>
    public static long? TranscriptOwner(IReadOnlyList<long> participants) => participants.Count == 1 ? participants[0] : null;

    internal static List<NewEvidence> Coded(ResearchExcerpt excerpt, IEnumerable<ResearchExcerptCode> codes, IReadOnlyList<long> participants, DateTimeOffset heldAt)
    {
        IReadOnlyList<long?> whose = excerpt.SpeakerCustomerId is { } speaker ? [speaker]
            : participants.Count > 0 ? participants.Select(p => (long?)p).ToList()
            : [null];
        var evidence = new List<NewEvidence>();
        foreach (var code in codes)
        {
            if (code.ValueId is not { } valueId)
            {
                continue;
            }

            foreach (var customer in whose)
            {
                evidence.Add(new NewEvidence(customer, valueId, EvidenceKind.Coded, heldAt,
                    code.Stance == ExcerptStance.Cares ? 1 : -1, null, excerpt.Text));
            }
        }

        return evidence;
    }

    private async Task IndexTranscriptAsync(long sessionId, DateTimeOffset heldAt, string transcript, IReadOnlyList<long> participants, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(transcript))
        {
            await ValueEvidenceStore.RemoveAsync(db, EvidenceSources.SessionTranscript, sessionId, ct);
            return;
        }

        await mentions.IndexAsync(new ResearchText(EvidenceSources.SessionTranscript, sessionId, TranscriptOwner(participants), heldAt, transcript), ct);
    }

    private Task<List<long>> ParticipantsAsync(long sessionId, CancellationToken ct) =>
        db.Set<ResearchSessionParticipant>().AsNoTracking().Where(p => p.SessionId == sessionId).OrderBy(p => p.CustomerId).Select(p => p.CustomerId).ToListAsync(ct);
}

/// <summary>Session transcripts for the full re-index and for emergent themes; read in pages, so the indexer may write meanwhile.</summary>
public sealed class SessionTranscriptSource(RapportDbContext db) : IResearchTextSource
{
    public string SourceType => EvidenceSources.SessionTranscript;

    public async IAsyncEnumerable<ResearchText> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var page = await db.Set<ResearchSession>().AsNoTracking()
                .Where(s => s.Id > after && s.Transcript != "")
                .OrderBy(s => s.Id)
                .Take(100)
                .Select(s => new
                {
                    s.Id,
                    s.HeldAt,
                    s.Transcript,
                    Participants = db.Set<ResearchSessionParticipant>().Where(p => p.SessionId == s.Id).OrderBy(p => p.CustomerId).Select(p => p.CustomerId).Take(2).ToList(),
                })
                .ToListAsync(ct);
            foreach (var s in page)
            {
                yield return new ResearchText(SourceType, s.Id, SessionEvidence.TranscriptOwner(s.Participants), s.HeldAt, s.Transcript);
            }

            if (page.Count < 100)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }
}
