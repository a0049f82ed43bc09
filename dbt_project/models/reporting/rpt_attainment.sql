{#
    NTM criteria attainment per expected reporter and quarter, reported or not. Up to 2025Q2 the
    reporters are districts: one row per expected district (the reporting calendar), plus province
    rows (district_code null) summing its reporting districts. From 2025Q3 the reporters are the
    current commune-level units: there are no districts, so no district rows, only province rows
    (commune detail: rpt_commune_status).

    Criteria sets are never mixed: a province row sums the reporters of ONE criteria set; a
    province quarter whose reporters declared two sets (2021-2022, or 2026 when QĐ 318/2022 and QĐ
    51/2025 workbooks meet) has one province row per set, each with its criteria_count, averages
    and bands of that set. A province quarter where no reporter reported has one province row
    with criteria_set null and null measures. Coverage on a province row: districts_expected /
    reporters_expected count every expected reporter of the province quarter (whatever its set);
    districts_reporting / reporters_reporting those reporting under the row's set; so a set row
    of a split quarter is never is_complete. districts_* keep their names for BI and equal
    reporters_* (communes from 2025Q3: see reporter_level).

    A reporter without a workbook in force has its row with has_report false and null measures
    (never 0). Denominators count xã only (never phường, thị trấn or đặc khu): up to 2025Q2 by
    the GSO unit valid on the quarter's last day (dim_commune), from 2025Q3 by the current unit's
    type (admin_units_2025). Border / especially difficult flags are those valid on the quarter's
    last day; the current units have no such classification yet, so they are null from 2025Q3.
    Province averages are total criteria met / total xã, not an average of district averages.
#}
with

reporter_reports as (

    select * from {{ ref('int_district_reports') }}

),

recognition as (

    select * from {{ ref('fct_commune_recognition') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

current_units as (

    select * from {{ ref('stg_reference__admin_units_2025') }}

),

criteria_sets as (

    select * from {{ ref('dim_criteria_set') }}

),

expected_reporters as (

    select
        reporter_reports.quarter,
        reporter_reports.province_code,
        reporter_reports.province_name,
        reporter_reports.reporter_level,
        reporter_reports.reporter_code,
        reporter_reports.district_code,
        reporter_reports.district_name,
        reporter_reports.has_report,
        case when reporter_reports.has_report then reporter_reports.criteria_set end
            as criteria_set,
        case when reporter_reports.has_report then criteria_sets.criteria_count end
            as criteria_count
    from reporter_reports
    left join criteria_sets
        on reporter_reports.criteria_set = criteria_sets.criteria_set

),

xa_status as (

    -- district era: the GSO unit valid at the quarter's end says whether the unit is a xã
    select
        recognition.quarter,
        recognition.province_code,
        recognition.district_code as reporter_code,
        recognition.criteria_set,
        recognition.criteria_met,
        case when recognition.is_ntm_recognised then 1 else 0 end as is_ntm,
        case when recognition.ntm_level = 'NTM nâng cao' then 1 else 0 end as is_advanced,
        case when recognition.ntm_level = 'NTM kiểu mẫu' then 1 else 0 end as is_model,
        case when communes.is_border then 1 else 0 end as is_border,
        case when communes.is_especially_difficult then 1 else 0 end as is_difficult,
        {{ ntm.criteria_band('recognition.criteria_met', 'recognition.criteria_count') }}
            as criteria_band
    from recognition
    inner join communes
        on recognition.commune_sk = communes.commune_sk
    where communes.is_xa
        and recognition.workbook_kind = 'district'

    union all

    -- commune era: the current unit's type (no border / difficulty classification yet)
    select
        recognition.quarter,
        recognition.province_code,
        recognition.commune_code as reporter_code,
        recognition.criteria_set,
        recognition.criteria_met,
        case when recognition.is_ntm_recognised then 1 else 0 end as is_ntm,
        case when recognition.ntm_level = 'NTM nâng cao' then 1 else 0 end as is_advanced,
        case when recognition.ntm_level = 'NTM kiểu mẫu' then 1 else 0 end as is_model,
        cast(null as {{ dbt.type_int() }}) as is_border,
        cast(null as {{ dbt.type_int() }}) as is_difficult,
        {{ ntm.criteria_band('recognition.criteria_met', 'recognition.criteria_count') }}
            as criteria_band
    from recognition
    inner join current_units
        on recognition.commune_code = current_units.commune_code
        and recognition.province_code = current_units.province_code
    where current_units.commune_type = 'Xã'
        and recognition.workbook_kind = 'commune'

),

reporter_totals as (

    select
        quarter,
        province_code,
        reporter_code,
        count(*) as xa_count,
        sum(is_ntm) as ntm_communes,
        sum(is_advanced) as advanced_ntm_communes,
        sum(is_model) as model_ntm_communes,
        sum(criteria_met) as criteria_met_total,
        sum(case when criteria_band = '19' then 1 else 0 end) as communes_19,
        sum(case when criteria_band = '15-18' then 1 else 0 end) as communes_15_18,
        sum(case when criteria_band = '10-14' then 1 else 0 end) as communes_10_14,
        sum(case when criteria_band = '5-9' then 1 else 0 end) as communes_5_9,
        sum(case when criteria_band = 'below 5' then 1 else 0 end) as communes_below_5,
        sum(case when criteria_band = '10' then 1 else 0 end) as communes_10_of_10,
        sum(case when criteria_band = '7-9' then 1 else 0 end) as communes_7_9,
        sum(case when criteria_band = '4-6' then 1 else 0 end) as communes_4_6,
        sum(case when criteria_band = 'below 4' then 1 else 0 end) as communes_below_4,
        sum(is_border) as border_xa_count,
        sum(is_border * is_ntm) as border_ntm_communes,
        sum(is_difficult) as difficult_xa_count,
        sum(is_difficult * is_ntm) as difficult_ntm_communes
    from xa_status
    group by quarter, province_code, reporter_code

),

reporter_rows as (

    -- every expected reporter; measures only where a workbook is in force (a reporting
    -- district with no xã still counts 0 xã: it reported, it has none); the bands of the
    -- other set are null (not applicable), never 0
    select
        expected_reporters.quarter,
        expected_reporters.province_code,
        expected_reporters.province_name,
        expected_reporters.district_code,
        expected_reporters.district_name,
        expected_reporters.reporter_level,
        expected_reporters.has_report,
        expected_reporters.criteria_set,
        expected_reporters.criteria_count as criteria_count,
        1 as reporters_expected,
        case when expected_reporters.has_report then 1 else 0 end as reporters_reporting,
        {%- for column in [
            'xa_count', 'ntm_communes', 'advanced_ntm_communes', 'model_ntm_communes',
            'criteria_met_total',
        ] %}
        case when expected_reporters.has_report then coalesce(reporter_totals.{{ column }}, 0) end
            as {{ column }},
        {%- endfor %}
        {%- for column in ['communes_19', 'communes_15_18', 'communes_10_14', 'communes_5_9', 'communes_below_5'] %}
        case
            when expected_reporters.has_report
                and expected_reporters.criteria_count = 19
                then coalesce(reporter_totals.{{ column }}, 0)
        end as {{ column }},
        {%- endfor %}
        {%- for column in ['communes_10_of_10', 'communes_7_9', 'communes_4_6', 'communes_below_4'] %}
        case
            when expected_reporters.has_report
                and expected_reporters.criteria_count = 10
                then coalesce(reporter_totals.{{ column }}, 0)
        end as {{ column }},
        {%- endfor %}
        {%- for column in [
            'border_xa_count', 'border_ntm_communes', 'difficult_xa_count', 'difficult_ntm_communes',
        ] %}
        case
            when expected_reporters.has_report and expected_reporters.reporter_level = 'district'
                then coalesce(reporter_totals.{{ column }}, 0)
        end as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from expected_reporters
    left join reporter_totals
        on expected_reporters.quarter = reporter_totals.quarter
        and expected_reporters.province_code = reporter_totals.province_code
        and expected_reporters.reporter_code = reporter_totals.reporter_code

),

district_rows as (

    select
        quarter,
        province_code,
        province_name,
        district_code,
        district_name,
        reporter_level,
        has_report,
        criteria_set,
        criteria_count,
        reporters_expected,
        reporters_reporting,
        xa_count,
        ntm_communes,
        advanced_ntm_communes,
        model_ntm_communes,
        criteria_met_total,
        communes_19,
        communes_15_18,
        communes_10_14,
        communes_5_9,
        communes_below_5,
        communes_10_of_10,
        communes_7_9,
        communes_4_6,
        communes_below_4,
        border_xa_count,
        border_ntm_communes,
        difficult_xa_count,
        difficult_ntm_communes
    from reporter_rows
    where reporter_level = 'district'

),

province_coverage as (

    select
        quarter,
        province_code,
        min(province_name) as province_name,
        min(reporter_level) as reporter_level,
        sum(reporters_expected) as reporters_expected,
        sum(reporters_reporting) as reporters_reporting
    from reporter_rows
    group by quarter, province_code

),

set_sums as (

    -- one row per criteria set its reporting reporters declared: sums within the set only
    select
        quarter,
        province_code,
        criteria_set,
        min(criteria_count) as criteria_count,
        sum(reporters_reporting) as reporters_reporting,
        sum(xa_count) as xa_count,
        sum(ntm_communes) as ntm_communes,
        sum(advanced_ntm_communes) as advanced_ntm_communes,
        sum(model_ntm_communes) as model_ntm_communes,
        sum(criteria_met_total) as criteria_met_total,
        sum(communes_19) as communes_19,
        sum(communes_15_18) as communes_15_18,
        sum(communes_10_14) as communes_10_14,
        sum(communes_5_9) as communes_5_9,
        sum(communes_below_5) as communes_below_5,
        sum(communes_10_of_10) as communes_10_of_10,
        sum(communes_7_9) as communes_7_9,
        sum(communes_4_6) as communes_4_6,
        sum(communes_below_4) as communes_below_4,
        sum(border_xa_count) as border_xa_count,
        sum(border_ntm_communes) as border_ntm_communes,
        sum(difficult_xa_count) as difficult_xa_count,
        sum(difficult_ntm_communes) as difficult_ntm_communes
    from reporter_rows
    where has_report
    group by quarter, province_code, criteria_set

),

province_rows as (

    select
        province_coverage.quarter,
        province_coverage.province_code,
        province_coverage.province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        province_coverage.reporter_level,
        set_sums.criteria_set is not null as has_report,
        set_sums.criteria_set,
        set_sums.criteria_count,
        province_coverage.reporters_expected,
        coalesce(set_sums.reporters_reporting, 0) as reporters_reporting,
        set_sums.xa_count,
        set_sums.ntm_communes,
        set_sums.advanced_ntm_communes,
        set_sums.model_ntm_communes,
        set_sums.criteria_met_total,
        set_sums.communes_19,
        set_sums.communes_15_18,
        set_sums.communes_10_14,
        set_sums.communes_5_9,
        set_sums.communes_below_5,
        set_sums.communes_10_of_10,
        set_sums.communes_7_9,
        set_sums.communes_4_6,
        set_sums.communes_below_4,
        set_sums.border_xa_count,
        set_sums.border_ntm_communes,
        set_sums.difficult_xa_count,
        set_sums.difficult_ntm_communes
    from province_coverage
    left join set_sums
        on province_coverage.quarter = set_sums.quarter
        and province_coverage.province_code = set_sums.province_code

),

all_rows as (

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
        cast(has_report as {{ dbt.type_boolean() }}) as has_report,
        cast(reporters_expected as {{ dbt.type_bigint() }}) as districts_expected,
        cast(reporters_reporting as {{ dbt.type_bigint() }}) as districts_reporting,
        cast(reporters_reporting = reporters_expected as {{ dbt.type_boolean() }})
            as is_complete,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(xa_count as {{ dbt.type_bigint() }}) as xa_count,
        cast(ntm_communes as {{ dbt.type_bigint() }}) as ntm_communes,
        cast(advanced_ntm_communes as {{ dbt.type_bigint() }}) as advanced_ntm_communes,
        cast(model_ntm_communes as {{ dbt.type_bigint() }}) as model_ntm_communes,
        {{ ntm.round_double('100 * ' ~ ntm.safe_divide('ntm_communes', 'xa_count'), 2) }}
            as ntm_share_pct,
        {{ ntm.round_double(ntm.safe_divide('criteria_met_total', 'xa_count'), 2) }}
            as avg_criteria_met,
        cast(communes_19 as {{ dbt.type_bigint() }}) as communes_19,
        cast(communes_15_18 as {{ dbt.type_bigint() }}) as communes_15_18,
        cast(communes_10_14 as {{ dbt.type_bigint() }}) as communes_10_14,
        cast(communes_5_9 as {{ dbt.type_bigint() }}) as communes_5_9,
        cast(communes_below_5 as {{ dbt.type_bigint() }}) as communes_below_5,
        cast(border_xa_count as {{ dbt.type_bigint() }}) as border_xa_count,
        cast(border_ntm_communes as {{ dbt.type_bigint() }}) as border_ntm_communes,
        cast(difficult_xa_count as {{ dbt.type_bigint() }}) as difficult_xa_count,
        cast(difficult_ntm_communes as {{ dbt.type_bigint() }}) as difficult_ntm_communes,
        cast(criteria_count as {{ dbt.type_int() }}) as criteria_count,
        cast(
            case criteria_count when 19 then communes_19 when 10 then communes_10_of_10 end
            as {{ dbt.type_bigint() }}
        ) as communes_all_met,
        cast(communes_10_of_10 as {{ dbt.type_bigint() }}) as communes_10_of_10,
        cast(communes_7_9 as {{ dbt.type_bigint() }}) as communes_7_9,
        cast(communes_4_6 as {{ dbt.type_bigint() }}) as communes_4_6,
        cast(communes_below_4 as {{ dbt.type_bigint() }}) as communes_below_4,
        cast(reporter_level as {{ dbt.type_string() }}) as reporter_level,
        cast(reporters_expected as {{ dbt.type_bigint() }}) as reporters_expected,
        cast(reporters_reporting as {{ dbt.type_bigint() }}) as reporters_reporting
    from all_rows

)

select * from final
