using System.Collections.Concurrent;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Verification.Verifying;

/// <summary>
/// The portal verifies at the lowest CPU priority so that pages come first (issue 5). These tests read the
/// nice value of the thread that hashes the rows (where findings are reported) and of the reading thread
/// (Linux, where nice values are per thread; CI and the dev machine are Linux).
/// </summary>
public class VerifierThreadPriorityTests
{
    [Fact]
    public void LowerCurrentThread_OnOwnThread_SetsThatThreadsNiceOnly()
    {
        var before = ThreadCpuPriority.Current();
        var (ok, inside) = (false, -1);

        var thread = new Thread(() => (ok, inside) = (ThreadCpuPriority.LowerCurrentThread(7), ThreadCpuPriority.Current()));
        thread.Start();
        thread.Join();

        ok.ShouldBeTrue();
        inside.ShouldBe(7);
        ThreadCpuPriority.Current().ShouldBe(before, "the thread that started it keeps its priority");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(20)]
    public void LowerCurrentThread_OutOfRange_Throws(int nice) =>
        Should.Throw<ArgumentOutOfRangeException>(() => ThreadCpuPriority.LowerCurrentThread(nice));

    [Theory]
    [InlineData(0)]
    [InlineData(ThreadCpuPriority.Lowest)]
    public async Task VerifyAsync_ThreadNice_ReadsAndHashesAtThatPriority(int nice)
    {
        var rows = TestChain.Build(TamperScenarios.Length).Select(e => e.Seq == 7 ? e with { Actor = "mallory" } : e).ToList();
        var readAt = new ConcurrentBag<int>();
        var hashedAt = new ConcurrentBag<int>();

        async IAsyncEnumerable<LedgerEvent> Rows()
        {
            foreach (var row in rows)
            {
                readAt.Add(ThreadCpuPriority.Current());
                yield return row;
            }
            await Task.CompletedTask;
        }

        var result = await LedgerVerifier.VerifyAsync(Rows(),
            new LedgerVerifierOptions { ThreadNice = nice, OnFinding = _ => hashedAt.Add(ThreadCpuPriority.Current()) });

        result.Findings.ShouldHaveSingleItem().Seq.ShouldBe(7);
        hashedAt.ShouldHaveSingleItem().ShouldBe(nice);
        readAt.Distinct().ShouldBe([nice]);
        ThreadCpuPriority.Current().ShouldBe(0, "the caller's own thread keeps its priority");
    }

    [Fact]
    public async Task VerifyAsync_ReaderFails_FailsWithItsException()
    {
        async IAsyncEnumerable<LedgerEvent> Broken()
        {
            foreach (var row in TestChain.Build(600))
            {
                if (row.Seq == 300)
                    throw new InvalidOperationException("replica went away");
                yield return row;
            }
            await Task.CompletedTask;
        }

        var ex = await Should.ThrowAsync<InvalidOperationException>(() =>
            LedgerVerifier.VerifyAsync(Broken(), new LedgerVerifierOptions { ThreadNice = ThreadCpuPriority.Lowest }));

        ex.Message.ShouldBe("replica went away");
    }

    [Fact]
    public async Task VerifyAsync_HashingFails_StopsTheReaderAndFails()
    {
        var produced = 0;
        var readerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<LedgerEvent> Endless()
        {
            var template = TestChain.Build(1)[0];
            try
            {
                for (long seq = 1; ; seq++)
                {
                    Interlocked.Increment(ref produced);
                    yield return template with { Seq = seq };
                    await Task.Yield();
                }
            }
            finally
            {
                readerStopped.TrySetResult(); // the reader left the loop and disposed the source
            }
        }

        var ex = await Should.ThrowAsync<InvalidOperationException>(() => LedgerVerifier.VerifyAsync(Endless(),
            new LedgerVerifierOptions { OnFinding = _ => throw new InvalidOperationException("finding sink failed") }));

        ex.Message.ShouldBe("finding sink failed");
        // The reading thread left its loop and disposed the source (a TimeoutException here: it kept reading).
        await readerStopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        produced.ShouldBeGreaterThan(0);
    }
}
