"""Administrative units of Vietnam: province, district, commune, village, with materialized paths."""
