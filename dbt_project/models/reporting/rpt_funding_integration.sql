{#
    Money for NTM per district (and province: district_code null) and quarter, year to date,
    million VND, with the source mix and the integration of other programmes (lồng ghép).

    Shares by source category are of the year-to-date actual, in percent with 2 decimals, and sum
    to exactly 100.00: each share is floored to hundredths of a percent and the hundredths left
    over go to the largest remainders (largest-remainder rounding; ties by category order), so
    no share is ever negative or off by more than 0.01. All shares are null when nothing was
    spent. integration_share_pct = money from programmes other than NTM / all money.
#}
{%- set categories = [
    ('central_budget', 1), ('local_budget', 2), ('credit', 3),
    ('enterprise', 4), ('residents', 5), ('oda_other', 6),
] -%}
with

source_workbooks as (

    select * from {{ ref('dim_source_workbook') }}

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

reporting_districts as (

    select
        quarter,
        province_code,
        district_code
    from source_workbooks
    where is_current

),

classified as (

    select
        funding.quarter,
        funding.province_code,
        funding.district_code,
        funding.plan_million_vnd,
        funding.actual_ytd_million_vnd,
        funding.actual_quarter_million_vnd,
        case when funding.is_correction then 1 else 0 end as is_correction,
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
        district_code,
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
        sum(is_correction) as correction_lines
    from classified
    group by quarter, province_code, district_code

),

district_rows as (

    select
        reporting_districts.quarter,
        reporting_districts.province_code,
        reporting_districts.district_code,
        coalesce(district_totals.actual_ytd_million_vnd, 0) as actual_ytd_million_vnd,
        coalesce(district_totals.plan_million_vnd, 0) as plan_million_vnd,
        coalesce(district_totals.actual_quarter_million_vnd, 0) as actual_quarter_million_vnd,
        {%- for category, _ in categories %}
        coalesce(district_totals.{{ category }}_million_vnd, 0) as {{ category }}_million_vnd,
        {%- endfor %}
        coalesce(district_totals.ntm_programme_million_vnd, 0) as ntm_programme_million_vnd,
        coalesce(district_totals.other_programmes_million_vnd, 0)
            as other_programmes_million_vnd,
        coalesce(district_totals.correction_lines, 0) as correction_lines
    from reporting_districts
    left join district_totals
        on reporting_districts.quarter = district_totals.quarter
        and reporting_districts.province_code = district_totals.province_code
        and reporting_districts.district_code = district_totals.district_code

),

province_rows as (

    select
        quarter,
        province_code,
        cast(null as {{ dbt.type_string() }}) as district_code,
        sum(actual_ytd_million_vnd) as actual_ytd_million_vnd,
        sum(plan_million_vnd) as plan_million_vnd,
        sum(actual_quarter_million_vnd) as actual_quarter_million_vnd,
        {%- for category, _ in categories %}
        sum({{ category }}_million_vnd) as {{ category }}_million_vnd,
        {%- endfor %}
        sum(ntm_programme_million_vnd) as ntm_programme_million_vnd,
        sum(other_programmes_million_vnd) as other_programmes_million_vnd,
        sum(correction_lines) as correction_lines
    from district_rows
    group by quarter, province_code

),

all_rows as (

    select * from district_rows
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
        cast(all_rows.district_code as {{ dbt.type_string() }}) as district_code,
        {{ ntm.round_double('all_rows.actual_ytd_million_vnd', 3) }} as actual_ytd_million_vnd,
        {{ ntm.round_double('all_rows.plan_million_vnd', 3) }} as plan_million_vnd,
        {{ ntm.round_double(
            '100 * ' ~ ntm.safe_divide('all_rows.actual_ytd_million_vnd', 'all_rows.plan_million_vnd'), 2
        ) }} as plan_execution_pct,
        {{ ntm.round_double('all_rows.actual_quarter_million_vnd', 3) }}
            as actual_quarter_million_vnd,
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
        cast(all_rows.correction_lines as {{ dbt.type_bigint() }}) as correction_lines
    from all_rows
    left join shares
        on all_rows.quarter = shares.quarter
        and all_rows.province_code = shares.province_code
        and coalesce(all_rows.district_code, '') = coalesce(shares.district_code, '')

)

select * from final
