{#
    Reporting completeness and timeliness, as DHIS2 reports them for health data.
    One row per (quarter, province_code, district_code) for every district of a reporting province
    on the quarter's last day, plus a province row (district_code null) per quarter.
    Received times are when the warehouse first saw a file (raw.workbook_versions.received_at),
    never a date the file states. on_time: accepted within var('on_time_days') days of the
    quarter's end (default NTM_ON_TIME_DAYS, 15).
#}
{%- set on_time_days = var('on_time_days', env_var('NTM_ON_TIME_DAYS', '15')) | int -%}

with

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

reporting_quarters as (

    -- every quarter in which a province sent at least one workbook
    select distinct
        province_code,
        quarter
    from workbook_versions
    where province_code is not null
      and quarter is not null

),

expected_districts as (

    select distinct
        reporting_quarters.quarter,
        reporting_quarters.province_code,
        admin_units.district_code,
        quarters.last_day
    from reporting_quarters
    inner join quarters
        on reporting_quarters.quarter = quarters.quarter
    inner join admin_units
        on reporting_quarters.province_code = admin_units.province_code
        and quarters.last_day >= admin_units.valid_from
        and quarters.last_day <= admin_units.valid_to  -- valid_to is inclusive

),

versions_per_district as (

    select
        quarter,
        province_code,
        district_code,
        count(*) as versions_received,
        sum(case when status = '{{ var("accepted_status") }}' then 0 else 1 end)
            as rejected_versions,
        min(received_at) as first_received_at,
        min(case when status = '{{ var("accepted_status") }}' then received_at end)
            as accepted_at
    from workbook_versions
    where district_code is not null
    group by quarter, province_code, district_code

),

districts as (

    select
        expected_districts.quarter,
        expected_districts.province_code,
        expected_districts.district_code,
        1 as expected,
        case when versions_per_district.versions_received > 0 then 1 else 0 end as received,
        case when versions_per_district.accepted_at is not null then 1 else 0 end as accepted,
        coalesce(versions_per_district.rejected_versions, 0) as rejected_versions,
        versions_per_district.first_received_at,
        versions_per_district.accepted_at,
        {{ dbt.datediff('expected_districts.last_day', 'versions_per_district.accepted_at', 'day') }}
            as days_after_quarter_end
    from expected_districts
    left join versions_per_district
        on expected_districts.quarter = versions_per_district.quarter
        and expected_districts.province_code = versions_per_district.province_code
        and expected_districts.district_code = versions_per_district.district_code

),

judged as (

    select
        *,
        case
            when accepted = 1 and days_after_quarter_end <= {{ on_time_days }} then 1
            else 0
        end as on_time_flag
    from districts

),

district_rows as (

    select
        quarter,
        province_code,
        district_code,
        expected,
        received,
        accepted,
        rejected_versions,
        first_received_at,
        accepted_at,
        days_after_quarter_end,
        on_time_flag = 1 as on_time,
        case
            when accepted = 1 and on_time_flag = 1 then 'on_time'
            when accepted = 1 then 'late'
            when received = 1 then 'rejected'
            else 'missing'
        end as status,
        {{ safe_divide('100.0 * accepted', 'expected') }} as completeness_pct,
        {{ safe_divide('100.0 * on_time_flag', 'expected') }} as timeliness_pct
    from judged

),

province_rows as (

    select
        quarter,
        province_code,
        cast(null as {{ dbt.type_string() }}) as district_code,
        sum(expected) as expected,
        sum(received) as received,
        sum(accepted) as accepted,
        sum(rejected_versions) as rejected_versions,
        min(first_received_at) as first_received_at,
        max(accepted_at) as accepted_at,
        max(days_after_quarter_end) as days_after_quarter_end,
        sum(on_time_flag) = sum(expected) as on_time,
        case
            when sum(accepted) = sum(expected) then 'complete'
            else 'incomplete'
        end as status,
        {{ safe_divide('100.0 * sum(accepted)', 'sum(expected)') }} as completeness_pct,
        {{ safe_divide('100.0 * sum(on_time_flag)', 'sum(expected)') }} as timeliness_pct
    from judged
    group by quarter, province_code

),

unioned as (

    select * from district_rows
    union all
    select * from province_rows

),

final as (

    select
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(expected as {{ dbt.type_bigint() }}) as expected,
        cast(received as {{ dbt.type_bigint() }}) as received,
        cast(accepted as {{ dbt.type_bigint() }}) as accepted,
        cast(rejected_versions as {{ dbt.type_bigint() }}) as rejected_versions,
        cast(first_received_at as {{ dbt.type_timestamp() }}) as first_received_at,
        cast(accepted_at as {{ dbt.type_timestamp() }}) as accepted_at,
        cast(days_after_quarter_end as {{ dbt.type_bigint() }}) as days_after_quarter_end,
        on_time,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(round(completeness_pct, 2) as {{ type_double() }}) as completeness_pct,
        cast(round(timeliness_pct, 2) as {{ type_double() }}) as timeliness_pct
    from unioned

)

select * from final
