using System.Globalization;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.Demo;

// Proxy voting: one proxy_vote stream per shareholder meeting; holders vote through the proxy
// agent and may change their vote (a superseding event) until the meeting closes.
internal sealed partial class DemoRun
{
    private const int MaxOpenMeetings = 4;
    private readonly List<DemoMeeting> meetings = [];

    private void VoteStep()
    {
        if (meetings.Count == 0 || (meetings.Count < MaxOpenMeetings && random.Chance(0.02)))
        {
            AnnounceMeeting();
            return;
        }
        var meeting = meetings[random.Next(meetings.Count)];
        var account = PickAccount();
        if (!Ready(account)) return;
        var slot = Array.IndexOf(account.Universe, meeting.InstrumentIndex);
        if (slot < 0 || account.Positions[slot] <= 0)
        {
            Trade(account, viaCustody: false);
            return;
        }

        var shares = account.Positions[slot];
        var id = Emit("proxy_vote", meeting.StreamId, "proxy_vote.cast", proxyAgent, VotePayload(meeting, account, shares), ServiceLag());
        if (random.Chance(options.CorrectionRate * 5))
            Schedule(FollowUpKind.VoteChange, new DemoVote { Meeting = meeting, Account = account, Id = id, Shares = shares }, 3, 500);

        if (++meeting.Votes >= meeting.Target)
        {
            Emit("proxy_vote", meeting.StreamId, "proxy_vote.meeting_closed", custodyFeed, new JsonObject
            {
                ["isin"] = meeting.Instrument.Isin,
                ["votes_received"] = meeting.Votes,
            }, ServiceLag());
            meeting.Closed = true;
            meetings.Remove(meeting);
        }
    }

    private void AnnounceMeeting()
    {
        var index = random.Next(instruments.Length);
        var instrument = instruments[index];
        var number = ++instrument.Meetings;
        var proposals = new string[2 + random.Next(3)];
        var proposalArray = new JsonArray();
        for (var i = 0; i < proposals.Length; i++)
        {
            proposals[i] = DemoCatalog.Proposals[(number + i * 3) % DemoCatalog.Proposals.Length];
            proposalArray.Add(proposals[i]);
        }
        var meetingDate = new DateTime(recordedTicks, DateTimeKind.Utc).AddDays(21 + random.Next(30));
        var meeting = new DemoMeeting
        {
            Instrument = instrument,
            InstrumentIndex = index,
            StreamId = "mtg-" + instrument.Isin + "-" + number.ToString(CultureInfo.InvariantCulture),
            Proposals = proposals,
            Target = (int)random.Between(20, 300),
        };
        Emit("proxy_vote", meeting.StreamId, "proxy_vote.meeting_announced", custodyFeed, new JsonObject
        {
            ["isin"] = instrument.Isin,
            ["meeting_type"] = number == 1 ? "annual" : "special",
            ["meeting_date"] = Date(meetingDate),
            ["record_date"] = Date(meetingDate.AddDays(-20)),
            ["proposals"] = proposalArray,
        }, ServiceLag());
        meetings.Add(meeting);
    }

    private JsonObject VotePayload(DemoMeeting meeting, DemoAccount account, long shares)
    {
        var choices = new JsonArray();
        for (var i = 0; i < meeting.Proposals.Length; i++) choices.Add(random.Pick(DemoCatalog.VoteChoices));
        return new JsonObject
        {
            ["account_id"] = account.Id,
            ["isin"] = meeting.Instrument.Isin,
            ["shares"] = DemoMoney.Integer(shares),
            ["choices"] = choices,
        };
    }

    private void ChangeVote(DemoVote vote)
    {
        if (vote.Meeting.Closed || vote.Account.Closed) return;
        vote.Id = Emit("proxy_vote", vote.Meeting.StreamId, "proxy_vote.changed", proxyAgent,
            VotePayload(vote.Meeting, vote.Account, vote.Shares), ServiceLag(), supersedes: vote.Id);
    }
}
