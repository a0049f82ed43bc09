{#
    Money for NTM per expected district (and province: district_code null) and quarter, year to
    date, million VND, with the source mix and the integration of other programmes (lồng ghép).

    Every expected district of the reporting calendar has its row (int_district_reports), with
    has_report; without a report its measures are null (never 0). A district with a report but no
    funding lines reported spending nothing: its sums are 0. Province rows sum the reporting
    districts; districts_expected / districts_reporting / is_complete say how complete they are.

    Quarter spending (actual_quarter_million_vnd, quarter_basis): a district's is the sum of its
    lines' quarter figures (fct_funding) when its previous quarter of the same year has a
    workbook in force ('difference') or in Q1 ('first_quarter'); null with
    'previous_quarter_missing' otherwise. A province's is null, with 'previous_quarter_missing',
    as soon as ONE reporting district's is null: a province quarter sum never silently mixes
    districts whose quarter is unknown (the district rows show which ones). Vanished lines
    (fct_funding.is_vanished: their cumulative unknown) add nothing to the sums and are counted
    in vanished_lines.

    Shares by source category are of the year-to-date actual, in percent with 2 decimals, and sum
    to exactly 100.00: each share is floored to hundredths of a percent and the hundredths left
    over go to the largest remainders (largest-remainder rounding; ties by category order), so
    no share is ever negative or off by more than 0.01. All shares are null when nothing was
    spent. integration_share_pct = money from programmes other than NTM / all money.

    The new era: up to 2025Q2 the reporters are districts; from 2025Q3 they are the current
    commune-level units (one commune workbook each, no districts), so a new-era quarter has
    province rows only (district_code null), summing its reporting communes; districts_* keep
    their names and equal reporters_* (communes from 2025Q3). The NTM programme's own money is
    every programme dim_programme flags is_ntm_programme (NTM, and the merged national target
    programme MTQG_2026 from 2026); a reporter's quarter figure needs the SAME reporter's previous
    quarter, so 2025Q3 (previous quarter: a district one) is 'previous_quarter_missing'.
#}
{%- set categories = [
    ('central_budget', 1), ('local_budget', 2), ('credit', 3),
    ('enterprise', 4), ('residents', 5), ('oda_other', 6),
] -%}
{%- set district_measures = ['actual_ytd_million_vnd', 'plan_million_vnd'] -%}
{%- for category, _ in categories -%}
    {%- do district_measures.append(category ~ '_million_vnd') -%}
{%- endfor -%}
{%- do district_measures.extend([
    'ntm_programme_million_vnd', 'other_programmes_million_vnd', 'correction_lines',
    'vanished_lines',
]) -%}
with

district_reports as (

    -- every expected reporter: a district up to 2025Q2, a current commune-level unit from 2025Q3
    select * from {{ ref('int_district_reports') }}

),

funding as (

    select * from {{ ref('fct_funding') }}

),

funding_sources as (

    select * from {{ ref('dim_funding_source') }}

),

programmes as (

    select * from {{ ref('dim_programme') }}

),

-- every expected district, and how its quarter figure can be obtained: Q1 is the cumulative,
-- later quarters need the district's previous quarter in force
expected_districts as (

    select
        district_reports.quarter,
        district_reports.province_code,
        district_reports.province_name,
        district_reports.district_code,
        district_reports.district_name,
        district_reports.reporter_level,
        district_reports.reporter_code,
        district_reports.has_report,
        case
            when not district_reports.has_report then null
            when district_reports.quarter_number = 1 then 'first_quarter'
            when coalesce(previous_reports.has_report, false) then 'difference'
            else 'previous_quarter_missing'
        end as quarter_basis
    from district_reports
    left join district_reports as previous_reports
        on district_reports.previous_quarter = previous_reports.quarter
        and district_reports.province_code = previous_reports.province_code
        and district_reports.reporter_level = previous_reports.reporter_level
        and district_reports.reporter_code = previous_reports.reporter_code

),

classified as (

    select
        funding.quarter,
        funding.province_code,
        funding.workbook_kind as reporter_level,
        -- a commune workbook's lines are all its cover's commune's
        case when funding.workbook_kind = 'commune' then funding.commune_code
            else funding.district_code end as reporter_code,
        funding.plan_million_vnd,
        funding.actual_ytd_million_vnd,
        funding.actual_quarter_million_vnd,
        case when funding.is_correction then 1 else 0 end as is_correction,
        case when funding.is_vanished then 1 else 0 end as is_vanished,
        funding_sources.source_category,
        programmes.is_ntm_programme
    from funding
    inner join funding_sources
        on funding.funding_source_code = funding_sources.funding_source_code
    inner join programmes
        on funding.programme_code = programmes.programme_code

),

district_totals as (

    select
        quarter,
        province_code,
        reporter_level,
        reporter_code,
        sum(actual_ytd_million_vnd) as actual_ytd_million_vnd,
        sum(plan_million_vnd) as plan_million_vnd,
        sum(actual_quarter_million_vnd) as actual_quarter_million_vnd,
        {%- for category, _ in categories %}
        sum(case when source_category = '{{ category }}' then actual_ytd_million_vnd else 0 end)
            as {{ category }}_million_vnd,
        {%- endfor %}
        sum(case when is_ntm_programme then actual_ytd_million_vnd else 0 end)
            as ntm_programme_million_vnd,
        sum(case when is_ntm_programme then 0 else actual_ytd_million_vnd end)
            as other_programmes_million_vnd,
        sum(is_correction) as correction_lines,
        sum(is_vanished) as vanished_lines
    from classified
    group by quarter, province_code, reporter_level, reporter_code

),

district_rows as (

    -- measures only where a workbook is in force; a reporting district without funding lines
    -- reported nothing spent (0)
    select
        expected_districts.quarter,
        expected_districts.province_code,
        expected_districts.province_name,
        expected_districts.district_code,
        expected_districts.district_name,
        expected_districts.reporter_level,
        expected_districts.reporter_code,
        expected_districts.has_report,
        1 as districts_expected,
        case when expected_districts.has_report then 1 else 0 end as districts_reporting,
        expected_districts.quarter_basis,
        {%- for measure in district_measures %}
        case when expected_districts.has_report
            then coalesce(district_totals.{{ measure }}, 0)
        end as {{ measure }},
        {%- endfor %}
        case when expected_districts.quarter_basis in ('first_quarter', 'difference')
            then coalesce(district_totals.actual_quarter_million_vnd, 0)
        end as actual_quarter_million_vnd
    from expected_districts
    left join district_totals
        on expected_districts.quarter = district_totals.quarter
        and expected_districts.province_code = district_totals.province_code
        and expected_districts.reporter_level = district_totals.reporter_level
        and expected_districts.reporter_code = district_totals.reporter_code

),

province_rows as (

    -- sums over the reporting districts (sum() skips the others' nulls; null when none
    -- reported); the quarter figure only when every reporting district's is known
    select
        quarter,
        province_code,
        min(province_name) as province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        min(reporter_level) as reporter_level,
        cast(null as {{ dbt.type_string() }}) as reporter_code,
        sum(districts_reporting) > 0 as has_report,
        sum(districts_expected) as districts_expected,
        sum(districts_reporting) as districts_reporting,
        case
            when sum(districts_reporting) = 0 then null
            when sum(case when quarter_basis = 'first_quarter' then 1 else 0 end) > 0
                then 'first_quarter'
            when sum(case when quarter_basis = 'previous_quarter_missing' then 1 else 0 end) > 0
                then 'previous_quarter_missing'
            else 'difference'
        end as quarter_basis,
        {%- for measure in district_measures %}
        sum({{ measure }}) as {{ measure }},
        {%- endfor %}
        case
            when sum(case when quarter_basis = 'previous_quarter_missing' then 1 else 0 end) = 0
                then sum(actual_quarter_million_vnd)
        end as actual_quarter_million_vnd
    from district_rows
    group by quarter, province_code

),

all_rows as (

    -- district rows of the district era only: from 2025Q3 there are no districts
    select * from district_rows
    where reporter_level = 'district'
    union all
    select * from province_rows

),

-- largest-remainder rounding of the six shares, in hundredths of a percent (10000 = 100 %)
category_amounts as (

    {%- for category, position in categories %}
    select
        quarter,
        province_code,
        district_code,
        '{{ category }}' as source_category,
        {{ position }} as category_position,
        10000 * {{ ntm.safe_divide(category ~ '_million_vnd', 'actual_ytd_million_vnd') }}
            as exact_hundredths
    from all_rows
    where actual_ytd_million_vnd > 0
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

floored as (

    select
        *,
        floor(exact_hundredths) as floor_hundredths,
        exact_hundredths - floor(exact_hundredths) as remainder_hundredths
    from category_amounts

),

ranked as (

    select
        *,
        10000 - sum(floor_hundredths) over (
            partition by quarter, province_code, district_code
        ) as hundredths_left,
        row_number() over (
            partition by quarter, province_code, district_code
            order by remainder_hundredths desc, category_position
        ) as remainder_rank
    from floored

),

shares as (

    select
        quarter,
        province_code,
        district_code,
        {%- for category, _ in categories %}
        max(case when source_category = '{{ category }}' then share_hundredths end)
            as {{ category }}_hundredths{% if not loop.last %},{% endif %}
        {%- endfor %}
    from (
        select
            *,
            floor_hundredths
            + case when remainder_rank <= hundredths_left then 1 else 0 end as share_hundredths
        from ranked
    ) as allocated
    group by quarter, province_code, district_code

),

final as (

    select
        cast(all_rows.quarter as {{ dbt.type_string() }}) as quarter,
        cast(all_rows.province_code as {{ dbt.type_string() }}) as province_code,
        cast(all_rows.province_name as {{ dbt.type_string() }}) as province_name,
        cast(all_rows.district_code as {{ dbt.type_string() }}) as district_code,
        cast(all_rows.district_name as {{ dbt.type_string() }}) as district_name,
        cast(all_rows.has_report as {{ dbt.type_boolean() }}) as has_report,
        cast(all_rows.districts_expected as {{ dbt.type_bigint() }}) as districts_expected,
        cast(all_rows.districts_reporting as {{ dbt.type_bigint() }}) as districts_reporting,
        cast(all_rows.districts_reporting = all_rows.districts_expected as {{ dbt.type_boolean() }})
            as is_complete,
        {{ ntm.round_double('all_rows.actual_ytd_million_vnd', 3) }} as actual_ytd_million_vnd,
        {{ ntm.round_double('all_rows.plan_million_vnd', 3) }} as plan_million_vnd,
        {{ ntm.round_double(
            '100 * ' ~ ntm.safe_divide('all_rows.actual_ytd_million_vnd', 'all_rows.plan_million_vnd'), 2
        ) }} as plan_execution_pct,
        {{ ntm.round_double('all_rows.actual_quarter_million_vnd', 3) }}
            as actual_quarter_million_vnd,
        cast(all_rows.quarter_basis as {{ dbt.type_string() }}) as quarter_basis,
        {%- for category, _ in categories %}
        {{ ntm.round_double(ntm.safe_divide('shares.' ~ category ~ '_hundredths', 100), 2) }}
            as {{ category }}_pct,
        {%- endfor %}
        {%- for category, _ in categories %}
        {{ ntm.round_double('all_rows.' ~ category ~ '_million_vnd', 3) }}
            as {{ category }}_million_vnd,
        {%- endfor %}
        {{ ntm.round_double('all_rows.ntm_programme_million_vnd', 3) }}
            as ntm_programme_million_vnd,
        {{ ntm.round_double('all_rows.other_programmes_million_vnd', 3) }}
            as other_programmes_million_vnd,
        {{ ntm.round_double(
            '100 * ' ~ ntm.safe_divide(
                'all_rows.other_programmes_million_vnd',
                'all_rows.ntm_programme_million_vnd + all_rows.other_programmes_million_vnd'
            ), 2
        ) }} as integration_share_pct,
        cast(all_rows.correction_lines as {{ dbt.type_bigint() }}) as correction_lines,
        cast(all_rows.vanished_lines as {{ dbt.type_bigint() }}) as vanished_lines,
        cast(all_rows.reporter_level as {{ dbt.type_string() }}) as reporter_level,
        cast(all_rows.districts_expected as {{ dbt.type_bigint() }}) as reporters_expected,
        cast(all_rows.districts_reporting as {{ dbt.type_bigint() }}) as reporters_reporting
    from all_rows
    left join shares
        on all_rows.quarter = shares.quarter
        and all_rows.province_code = shares.province_code
        and coalesce(all_rows.district_code, '') = coalesce(shares.district_code, '')

)

select * from final
