"""Chain-strengthening atlases (强链图谱), installed as ``chainmap.visualizations``."""
