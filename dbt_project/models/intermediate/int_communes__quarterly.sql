{#
    Every commune-level unit at every quarter of the spine, as the catalogue has it on the
    quarter's last day: a commune merged away stops appearing from the first quarter after it.
    Only provinces with at least one accepted workbook in force are expanded (the facts never
    need the others), which keeps a national catalogue from multiplying by every quarter, and
    only in the era of that workbook's quarter: province codes are reused across the 2025
    reform (08 is old Tuyên Quang to 2025-06-30, the merged Tuyên Quang after), so commune
    workbooks of the new 08 never expand old Tuyên Quang's district-era quarters, nor Hà Giang's
    district workbooks the new era.
#}
with

commune_versions as (

    select * from {{ ref('int_communes__versions') }}

),

quarters as (

    select * from {{ ref('int_quarters__spine') }}

),

workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

-- the days each map (admin_era: three_tier up to 2025-06-30, two_tier after) is in force
era_bounds as (

    select
        admin_era,
        min(valid_from) as era_starts_on,
        max(valid_to) as era_ends_on
    from commune_versions
    group by admin_era

),

reporting_provinces as (

    select distinct
        workbooks.province_code,
        era_bounds.admin_era
    from workbooks
    inner join quarters
        on workbooks.quarter = quarters.quarter
    inner join era_bounds
        on quarters.last_day between era_bounds.era_starts_on and era_bounds.era_ends_on

),

communes_at_quarter_end as (

    select
        quarters.quarter,
        quarters.last_day as quarter_last_day,
        commune_versions.commune_code,
        commune_versions.commune_sk,
        commune_versions.commune_type,
        commune_versions.is_xa,
        commune_versions.district_code,
        commune_versions.province_code,
        commune_versions.is_especially_difficult,
        commune_versions.is_border,
        commune_versions.is_in_30a_district,
        commune_versions.admin_era
    from quarters
    inner join commune_versions
        on quarters.last_day between commune_versions.valid_from and commune_versions.valid_to
    inner join reporting_provinces
        on commune_versions.province_code = reporting_provinces.province_code
        and commune_versions.admin_era = reporting_provinces.admin_era

),

final as (

    select * from communes_at_quarter_end

)

select * from final
