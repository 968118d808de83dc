//! Plausibility bands, score tolerance, unit rule and grades (checks.toml).

use super::*;

/// A range of plausible values; outside it is a warning.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Band {
    pub min: Decimal,
    pub max: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Spread {
    pub max_ratio: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScoreRule {
    pub tolerance: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UnitRule {
    pub yuan_factor: Decimal,
}

/// Bands and tolerances of the plausibility and scoring checks
/// (`templates/<year>/checks.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Bands {
    /// The plausibility ratios, resolved against the form on load.
    #[serde(skip)]
    pub ratios: Vec<RatioSpec>,
    #[serde(default, rename = "ratios")]
    raw_ratios: Vec<super::ratios::RawRatio>,
    pub completion_spread: Spread,
    pub score: ScoreRule,
    pub units: UnitRule,
    /// 自评等级 bands, highest first.
    pub grades: Vec<GradeBand>,
}

/// A 自评等级 and the lowest total score that earns it.
#[derive(Debug, Clone, Deserialize)]
pub struct GradeBand {
    pub min: Decimal,
    pub name: String,
}

impl Bands {
    /// Parses checks.toml; its ratios are relations over `form`'s fields.
    pub fn from_toml(text: &str, origin: &str, form: &FormSpec) -> Result<Self> {
        Self::parse(text, form).map_err(|source| LoadError::spec(origin, source))
    }

    fn parse(text: &str, form: &FormSpec) -> std::result::Result<Self, SpecError> {
        let mut b: Bands = toml::from_str(text)?;
        if b.grades.is_empty() || b.grades.windows(2).any(|w| w[0].min <= w[1].min) {
            return Err(SpecError::GradesOrder);
        }
        b.ratios = b.raw_ratios.iter().map(|r| r.build(form)).collect::<std::result::Result<_, _>>()?;
        Ok(b)
    }

    /// The 自评等级 of a total score: the first band it reaches, else the
    /// lowest.
    pub fn grade(&self, total: Decimal) -> &str {
        self.grades.iter().find(|g| total >= g.min).or(self.grades.last()).map(|g| g.name.as_str()).unwrap_or("")
    }
}
