using AuditPortal.Portal.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortalWeb();

var app = builder.Build();
app.UsePortalPipeline();
app.Run();

/// <summary>Entry point; public so WebApplicationFactory can boot the real app in tests.</summary>
public partial class Program;
