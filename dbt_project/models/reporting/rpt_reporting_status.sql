{#
    Reporting completeness and timeliness, as DHIS2 reports them for health data.
    One row per expected (quarter, province, reporter) of the reporting calendar: a district up to
    2025Q2 (reporter_level 'district'), a current commune-level unit from 2025Q3 (reporter_level
    'commune', district_code null, commune_code set: two-tier Vietnam has no districts)
    (int_district_reports: every district of the province on the quarter's last day, for every
    quarter from the first one any workbook declared to the later of the last declared quarter and
    NTM_REPORTING_UNTIL), including quarters in which nothing arrived, plus a province row
    (district_code and commune_code null; reporter_code null) per quarter.

    Received times are each file's own (raw.workbook_versions.received_at): when the warehouse
    first saw it, or for a historical load the file's modification time (received_basis); never a
    date the file states. A district's deadline (due_on) is the quarter's last day plus
    var('on_time_days') (NTM_ON_TIME_DAYS, through the settings) days; its first accepted version is on time
    when received on or before that day. "Today", for not_yet_due, is the day the view is queried
    (var('reporting_as_of'), a date, fixes it: unit tests, reproducing a past state).
#}
{%- set on_time_days = (ntm.required_var('on_time_days') or 0) | int -%}
{%- set as_of = var('reporting_as_of', '') | trim -%}

with

district_reports as (

    select * from {{ ref('int_district_reports') }}

),

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

versions_per_district as (

    select
        quarter,
        province_code,
        workbook_kind,
        reporter_code,
        count(*) as versions_received,
        sum(case when status = '{{ var("accepted_status") }}' then 0 else 1 end)
            as rejected_versions,
        min(received_at) as first_received_at,
        min(case when status = '{{ var("accepted_status") }}' then received_at end)
            as accepted_at
    from workbook_versions
    where reporter_code is not null
    group by quarter, province_code, workbook_kind, reporter_code

),

timing_versions as (

    -- the version whose received time the row shows: the first accepted one, else the first
    -- received one (same order as the ingest's resubmissions)
    select
        quarter,
        province_code,
        workbook_kind,
        reporter_code,
        received_basis,
        row_number() over (
            partition by quarter, province_code, workbook_kind, reporter_code
            order by
                case when status = '{{ var("accepted_status") }}' then 0 else 1 end,
                received_at,
                file_modified_at,
                workbook_sha256
        ) as timing_rank
    from workbook_versions
    where reporter_code is not null

),

districts as (

    select
        district_reports.quarter,
        district_reports.province_code,
        district_reports.province_name,
        district_reports.district_code,
        district_reports.district_name,
        district_reports.reporter_level,
        district_reports.reporter_code,
        district_reports.commune_code,
        district_reports.commune_name,
        district_reports.last_day,
        1 as expected,
        case when versions_per_district.versions_received > 0 then 1 else 0 end as received,
        case when versions_per_district.accepted_at is not null then 1 else 0 end as accepted,
        case when district_reports.has_report then 1 else 0 end as reporting,
        coalesce(versions_per_district.rejected_versions, 0) as rejected_versions,
        versions_per_district.first_received_at,
        versions_per_district.accepted_at,
        timing_versions.received_basis,
        cast({{ dbt.dateadd('day', on_time_days, 'district_reports.last_day') }} as date)
            as due_on,
        {{ dbt.datediff('district_reports.last_day', 'versions_per_district.accepted_at', 'day') }}
            as days_after_quarter_end
    from district_reports
    left join versions_per_district
        on district_reports.quarter = versions_per_district.quarter
        and district_reports.province_code = versions_per_district.province_code
        and district_reports.reporter_level = versions_per_district.workbook_kind
        and district_reports.reporter_code = versions_per_district.reporter_code
    left join timing_versions
        on district_reports.quarter = timing_versions.quarter
        and district_reports.province_code = timing_versions.province_code
        and district_reports.reporter_level = timing_versions.workbook_kind
        and district_reports.reporter_code = timing_versions.reporter_code
        and timing_versions.timing_rank = 1

),

judged as (

    select
        *,
        case
            when accepted = 1 and days_after_quarter_end <= {{ on_time_days }} then 1
            else 0
        end as on_time_flag,
        {% if as_of -%}
        cast('{{ as_of }}' as date) <= due_on as is_before_deadline
        {%- else -%}
        cast({{ current_timestamp() }} as date) <= due_on as is_before_deadline
        {%- endif %}
    from districts

),

district_statuses as (

    select
        *,
        case
            when on_time_flag = 1 then 'accepted_on_time'
            when accepted = 1 then 'accepted_late'
            when is_before_deadline then 'not_yet_due'
            when received = 1 then 'rejected'
            else 'missing'
        end as status
    from judged

),

district_rows as (

    select
        quarter,
        province_code,
        province_name,
        district_code,
        district_name,
        reporter_level,
        reporter_code,
        commune_code,
        commune_name,
        expected,
        received,
        accepted,
        rejected_versions,
        expected as districts_expected,
        reporting as districts_reporting,
        first_received_at,
        accepted_at,
        received_basis,
        due_on,
        days_after_quarter_end,
        on_time_flag = 1 as on_time,
        status,
        {{ safe_divide('100.0 * accepted', 'expected') }} as completeness_pct,
        {{ safe_divide('100.0 * on_time_flag', 'expected') }} as timeliness_pct
    from district_statuses

),

province_rows as (

    -- the province's status is its least advanced reporter's: missing, then rejected, then
    -- not_yet_due, then accepted_late; accepted_on_time only when every district is
    select
        quarter,
        province_code,
        max(province_name) as province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        min(reporter_level) as reporter_level,
        cast(null as {{ dbt.type_string() }}) as reporter_code,
        cast(null as {{ dbt.type_string() }}) as commune_code,
        cast(null as {{ dbt.type_string() }}) as commune_name,
        sum(expected) as expected,
        sum(received) as received,
        sum(accepted) as accepted,
        sum(rejected_versions) as rejected_versions,
        sum(expected) as districts_expected,
        sum(reporting) as districts_reporting,
        min(first_received_at) as first_received_at,
        max(accepted_at) as accepted_at,
        -- one basis when every district's time rests on it; null when they differ or none
        case when count(distinct received_basis) = 1 then max(received_basis) end
            as received_basis,
        max(due_on) as due_on,
        max(days_after_quarter_end) as days_after_quarter_end,
        sum(on_time_flag) = sum(expected) as on_time,
        case
            when sum(case when status = 'missing' then 1 else 0 end) > 0 then 'missing'
            when sum(case when status = 'rejected' then 1 else 0 end) > 0 then 'rejected'
            when sum(case when status = 'not_yet_due' then 1 else 0 end) > 0 then 'not_yet_due'
            when sum(case when status = 'accepted_late' then 1 else 0 end) > 0
                then 'accepted_late'
            else 'accepted_on_time'
        end as status,
        {{ safe_divide('100.0 * sum(accepted)', 'sum(expected)') }} as completeness_pct,
        {{ safe_divide('100.0 * sum(on_time_flag)', 'sum(expected)') }} as timeliness_pct
    from district_statuses
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
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,
        cast(expected as {{ dbt.type_bigint() }}) as expected,
        cast(received as {{ dbt.type_bigint() }}) as received,
        cast(accepted as {{ dbt.type_bigint() }}) as accepted,
        cast(rejected_versions as {{ dbt.type_bigint() }}) as rejected_versions,
        cast(districts_expected as {{ dbt.type_bigint() }}) as districts_expected,
        cast(districts_reporting as {{ dbt.type_bigint() }}) as districts_reporting,
        districts_reporting = districts_expected as is_complete,
        cast(first_received_at as {{ dbt.type_timestamp() }}) as first_received_at,
        cast(accepted_at as {{ dbt.type_timestamp() }}) as accepted_at,
        cast(received_basis as {{ dbt.type_string() }}) as received_basis,
        cast(due_on as date) as due_on,
        cast(days_after_quarter_end as {{ dbt.type_bigint() }}) as days_after_quarter_end,
        on_time,
        cast(status as {{ dbt.type_string() }}) as status,
        {{ ntm.round_double('completeness_pct', 2) }} as completeness_pct,
        {{ ntm.round_double('timeliness_pct', 2) }} as timeliness_pct,
        cast(reporter_level as {{ dbt.type_string() }}) as reporter_level,
        cast(reporter_code as {{ dbt.type_string() }}) as reporter_code,
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(commune_name as {{ dbt.type_string() }}) as commune_name,
        cast(districts_expected as {{ dbt.type_bigint() }}) as reporters_expected,
        cast(districts_reporting as {{ dbt.type_bigint() }}) as reporters_reporting
    from unioned

)

select * from final
