using System.Globalization;
using AuditPortal.Data.Requests;

namespace AuditPortal.Portal.Verification;

/// <summary>Why a proof cannot be shown or downloaded, fit for the user: a 400 or 404 with a message, never a 500.</summary>
public sealed record ProofProblem(int StatusCode, string Message)
{
    public IResult ToHttpResult() => Results.Problem(
        title: StatusCode == StatusCodes.Status404NotFound ? "No such proof" : "Invalid proof request", detail: Message, statusCode: StatusCode);
}

/// <summary>
/// The parameters of a proof request (the proofs page and its downloads), read from the query string.
/// Checked before anything is logged or read, so a typo gets a message naming the parameter rather
/// than the framework's empty binding failure or an exception from deep in the proof builder.
/// </summary>
public static class ProofRequest
{
    /// <summary>An inclusion proof of <paramref name="seq"/> in the tree of <paramref name="size"/>: whole numbers with 1 ≤ seq ≤ size.</summary>
    public static ProofProblem? ParseInclusion(string? seqText, string? sizeText, out long seq, out long size)
    {
        size = 0;
        if ((ParseSize("seq", seqText, out seq) ?? ParseSize("size", sizeText, out size)) is { } problem)
            return problem;
        return seq > size
            ? BadRequest(string.Create(CultureInfo.InvariantCulture, $"seq {seq} is beyond the tree size {size}: an inclusion proof needs seq ≤ size"))
            : null;
    }

    /// <summary>A consistency proof between the trees of <paramref name="size1"/> ≤ <paramref name="size2"/>, both at least 1.</summary>
    public static ProofProblem? ParseConsistency(string? size1Text, string? size2Text, out long size1, out long size2)
    {
        size2 = 0;
        if ((ParseSize("size1", size1Text, out size1) ?? ParseSize("size2", size2Text, out size2)) is { } problem)
            return problem;
        return size1 > size2
            ? BadRequest(string.Create(CultureInfo.InvariantCulture, $"size1 ({size1}) must not be larger than size2 ({size2})"))
            : null;
    }

    /// <summary>
    /// The ledger cannot give the proof: the tree is larger than the ledger (<see cref="InvalidDataException"/>
    /// from the leaf reader), or the event or a signed checkpoint of the size is missing (<see cref="KeyNotFoundException"/>). The gateway has
    /// already logged the query as failed; the caller gets a 404 with the reason instead of a 500.
    /// </summary>
    public static ProofProblem? FromLedger(Exception exception) => exception is InvalidDataException or KeyNotFoundException
        ? new ProofProblem(StatusCodes.Status404NotFound, exception.Message)
        : null;

    private static ProofProblem? ParseSize(string name, string? text, out long value)
    {
        var problem = RequestInteger.Check(name, text, 1, RequestInteger.MaxSafe, out value);
        return problem is null ? null : BadRequest(problem);
    }

    private static ProofProblem BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
