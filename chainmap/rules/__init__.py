"""Registry rules: USCC, GB/T 2260 region codes, GB/T 4754 industry codes, size classes, certificates.

Pure functions over plain values; each raises :class:`chainmap.errors.RuleViolation` with a message a
user can act on.
"""

from chainmap.rules.certificates import (
    audit_due,
    check_validity,
    expires_within,
    in_force,
    latest_expiry,
    parse_standard,
    parse_status,
    status_on,
    surveillance_overdue,
)
from chainmap.rules.industry import (
    division_of,
    industry_name,
    section_of_division,
    validate_industry_code,
)
from chainmap.rules.regions import (
    PROVINCES,
    RegionCode,
    prefecture_key,
    prefecture_of,
    province_name,
    province_of,
    region_full_name,
    region_level,
    region_name,
    resolve_region,
    validate_region_code,
    validate_region_prefix,
)
from chainmap.rules.size import (
    NOT_COVERED,
    SIZE_STANDARD,
    classify_size,
    size_category,
    size_coverage,
)
from chainmap.rules.uscc import (
    FLAG_BAD_CHECKSUM,
    REGISTRARS,
    UsccResult,
    is_valid_uscc,
    normalize_uscc,
    org_code_check_character,
    uscc_check_character,
    validate_uscc,
)

__all__ = [
    "FLAG_BAD_CHECKSUM",
    "NOT_COVERED",
    "PROVINCES",
    "REGISTRARS",
    "SIZE_STANDARD",
    "RegionCode",
    "UsccResult",
    "audit_due",
    "check_validity",
    "classify_size",
    "division_of",
    "expires_within",
    "in_force",
    "industry_name",
    "is_valid_uscc",
    "latest_expiry",
    "normalize_uscc",
    "org_code_check_character",
    "parse_standard",
    "parse_status",
    "prefecture_key",
    "prefecture_of",
    "province_name",
    "province_of",
    "region_full_name",
    "region_level",
    "region_name",
    "resolve_region",
    "section_of_division",
    "size_category",
    "size_coverage",
    "status_on",
    "surveillance_overdue",
    "uscc_check_character",
    "validate_industry_code",
    "validate_region_code",
    "validate_region_prefix",
    "validate_uscc",
]
