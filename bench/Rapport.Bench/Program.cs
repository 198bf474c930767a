using Rapport.Bench;

return await BenchApp.RunAsync(args);
