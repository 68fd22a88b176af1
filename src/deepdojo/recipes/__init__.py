"""The recipe catalogue: one module per topic; each recipe is a frozen Config plus run(cfg, ctx)."""
